/** Argument checks shared by fetch and converter definitions (integers, variable names). */
import { ArgumentError } from "./types.ts";

const SCOPES = ["proc", "sess", "txn", "req", "res"];

/** An integer argument within [min, max]; throws ArgumentError naming `what`. */
export function intArg(
  text: string,
  index: number,
  what: string,
  min = -Number.MAX_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const n = /^[+-]?\d{1,15}$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) {
    const range = min === -Number.MAX_SAFE_INTEGER
      ? ""
      : max === Number.MAX_SAFE_INTEGER
      ? ` of at least ${min}`
      : ` from ${min} to ${max}`;
    throw new ArgumentError(`${what} must be an integer${range}, got "${text}"`, index);
  }
  return n;
}

/** An optional integer argument: `dflt` when absent or empty. */
export function optIntArg(
  text: string | undefined,
  index: number,
  what: string,
  dflt: number,
  min?: number,
  max?: number,
): number {
  return text === undefined || text === "" ? dflt : intArg(text, index, what, min, max);
}

/** A variable name `scope.name` (scope: proc, sess, txn, req, res); returns it as the vars key. */
export function varArg(text: string, index: number): string {
  const dot = text.indexOf(".");
  const scope = text.slice(0, dot);
  if (dot < 0 || !SCOPES.includes(scope) || !/^[A-Za-z0-9_.]+$/.test(text.slice(dot + 1))) {
    throw new ArgumentError(
      `variable "${text}" must be scope.name with scope ${SCOPES.join(", ")}`,
      index,
    );
  }
  return text;
}

/** A variable's value as a string, the way `var()` and `concat` read it; undefined if unset. */
export function varText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "1" : "0";
  if (value instanceof Uint8Array) {
    let s = "";
    for (let i = 0; i < value.length; i++) s += String.fromCharCode(value[i]!);
    return s;
  }
  return undefined;
}

/** A variable's value as an integer (arithmetic converters); undefined if unset or not one. */
export function varInt(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) ? value : Math.trunc(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string" && /^\s*[+-]?\d{1,15}\s*$/.test(value)) return Number(value);
  return undefined;
}
