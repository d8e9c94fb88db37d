/** "Did you mean" for unknown config keys: HAProxy's spellings (`default_backend`, `http-request`) and near misses. */
import { suggest } from "../rules/_suggest.ts";
import type { ConfigPath } from "./errors.ts";

/** The parts of a zod schema's definition this walk reads (zod keeps them in `_zod.def`). */
interface Node {
  _zod: {
    def: {
      type: string;
      shape?: Record<string, Node>;
      valueType?: Node;
      element?: Node;
      innerType?: Node;
      in?: Node;
      options?: Node[];
    };
  };
}

/** Wrappers (optional, default, transform, ...) looked through; a union gives each of its options. */
function unwrap(node: Node): Node[] {
  const def = node._zod.def;
  if (def.innerType) return unwrap(def.innerType);
  if (def.type === "pipe" && def.in) return unwrap(def.in);
  if (def.type === "union" && def.options) return def.options.flatMap(unwrap);
  return [node];
}

function step(node: Node, segment: PropertyKey): Node[] {
  const def = node._zod.def;
  if (def.type === "object" && typeof segment === "string") {
    const next = def.shape?.[segment];
    return next ? unwrap(next) : [];
  }
  if (def.type === "record" && def.valueType) return unwrap(def.valueType);
  if (def.type === "array" && def.element && typeof segment === "number") {
    return unwrap(def.element);
  }
  return [];
}

/** The keys the mapping at `path` of `schema` allows; none when the path reaches no mapping. */
export function keysAt(schema: unknown, path: ConfigPath): string[] {
  let nodes = unwrap(schema as Node);
  for (const segment of path) nodes = nodes.flatMap((n) => step(n, segment));
  return nodes.flatMap((n) => Object.keys(n._zod.def.shape ?? {}));
}

/** `default_backend`, `http-request` → `defaultBackend`, `httpRequest`. */
function camelCase(key: string): string {
  return key.replace(/[-_]+([A-Za-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The allowed key `key` was probably meant as: its camelCase form (haproxy.cfg writes
 * `default_backend` and `http-request`), else the nearest allowed key within two edits
 * (`server` → `servers`). Undefined when nothing is close.
 */
export function intendedKey(key: string, allowed: readonly string[]): string | undefined {
  const camel = camelCase(key);
  if (camel !== key && allowed.includes(camel)) return camel;
  const hint = suggest(camel, allowed) ?? suggest(key, allowed);
  return allowed.find((k) => hint === `did you mean "${k}"?`);
}
