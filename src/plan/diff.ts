/** What a reload changes, one log line per section: `frontend api: added`, `backend app: server s3 added, s1 weight 10 → 20`. */
import type { Config } from "../config/mod.ts";

type Named = Record<string, unknown>;

/**
 * The differences between two checked configs, one line per section that changed, in the order
 * global, defaults, stick tables, frontends, backends; empty when nothing did.
 */
export function describeChanges(from: Config, to: Config): string[] {
  const lines: string[] = [];
  const section = (name: string, parts: string[]) => {
    if (parts.length > 0) lines.push(`${name}: ${parts.join(", ")}`);
  };
  section("global", fieldChanges(from.global, to.global));
  section("defaults", fieldChanges(from.defaults, to.defaults));
  named(lines, "stick table", from.stickTables ?? {}, to.stickTables ?? {}, fieldChanges);
  named(lines, "frontend", from.frontends, to.frontends, fieldChanges);
  named(lines, "backend", from.backends, to.backends, backendChanges);
  return lines;
}

/** Sections by name: added, removed, or what `changes` finds in those on both sides. */
function named<T>(
  lines: string[],
  kind: string,
  from: Record<string, T>,
  to: Record<string, T>,
  changes: (a: T, b: T) => string[],
): void {
  for (const name of Object.keys(from)) {
    if (!(name in to)) lines.push(`${kind} ${name}: removed`);
  }
  for (const [name, section] of Object.entries(to)) {
    if (!(name in from)) {
      lines.push(`${kind} ${name}: added`);
      continue;
    }
    const parts = changes(from[name]!, section);
    if (parts.length > 0) lines.push(`${kind} ${name}: ${parts.join(", ")}`);
  }
}

/** A backend's servers (added, removed, changed field by field), then its other keys. */
function backendChanges(from: Named, to: Named): string[] {
  const parts: string[] = [], changed: string[] = [];
  const before = servers(from), after = servers(to);
  for (const name of before.keys()) if (!after.has(name)) parts.push(`server ${name} removed`);
  for (const [name, s] of after) {
    const old = before.get(name);
    if (!old) parts.push(`server ${name} added`);
    else changed.push(...fieldChanges(old, s).map((c) => `${name} ${c}`));
  }
  const { servers: _a, ...restFrom } = from;
  const { servers: _b, ...restTo } = to;
  return [...parts, ...changed, ...fieldChanges(restFrom, restTo)];
}

function servers(backend: Named): Map<string, Named> {
  const list = Array.isArray(backend.servers) ? backend.servers as Named[] : [];
  return new Map(list.map((s) => [String(s.name), s]));
}

/**
 * The keys whose value changed: `weight 10 → 20` for plain values and addresses, `key added`,
 * `key removed`, `key changed` for the rest (rule lists, nested settings).
 */
export function fieldChanges(from: object, to: object): string[] {
  const a = from as Named, b = to as Named;
  const parts: string[] = [];
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[key], y = b[key];
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    if (x === undefined) parts.push(`${key} added`);
    else if (y === undefined) parts.push(`${key} removed`);
    else {
      const p = shown(x), q = shown(y);
      parts.push(p !== null && q !== null ? `${key} ${p} → ${q}` : `${key} changed`);
    }
  }
  return parts;
}

/** A value short enough for a log line: a scalar, or an address as host:port; null otherwise. */
function shown(v: unknown): string | null {
  if (typeof v === "string") return v.length <= 60 ? v : null;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v !== null && typeof v === "object" && "host" in v && "port" in v) {
    const { host, port } = v as { host: string; port: number };
    return `${host.includes(":") ? `[${host}]` : host}:${port}`;
  }
  return null;
}
