/** The `json_query` converter's simple JSON paths: `$.a.b`, `$.list[0]`, `$['a key']`. */
import { ArgumentError } from "./types.ts";

/** A path as the keys and indexes to walk. */
export type JsonPath = readonly (string | number)[];

/** Reads `$` followed by `.name`, `[N]`, `['name']` or `["name"]` steps; throws ArgumentError. */
export function jsonPath(text: string, index: number): JsonPath {
  const bad = (why: string): never => {
    throw new ArgumentError(`JSON path "${text}" ${why}`, index);
  };
  if (text[0] !== "$") bad(`must start with "$"`);
  const out: (string | number)[] = [];
  const step = /^(?:\.([A-Za-z0-9_$-]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\])/;
  for (let i = 1; i < text.length;) {
    const m = step.exec(text.slice(i));
    if (!m) return bad(`has an unexpected "${text[i]}" at offset ${i}`);
    out.push(m[2] !== undefined ? Number(m[2]) : (m[1] ?? m[3] ?? m[4])!);
    i += m[0].length;
  }
  return out;
}

/**
 * The value at `path` in the JSON text: strings as they are, numbers and booleans as text (or,
 * with `int`, integers only), objects and arrays as JSON; undefined when absent, null or invalid.
 */
export function jsonQuery(json: string, path: JsonPath, int: boolean): string | number | undefined {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return undefined;
  }
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = Array.isArray(v) === (typeof key === "number")
      ? (v as Record<string | number, unknown>)[key]
      : undefined;
  }
  if (int) return typeof v === "number" && Number.isSafeInteger(v) ? v : undefined;
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}
