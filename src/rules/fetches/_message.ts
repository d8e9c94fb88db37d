/** Reading HTTP messages for fetches: path and query of a target, header values by occurrence, cookies. */
import type { HeaderField } from "../../http1/types.ts";
import type { SampleContext, Value } from "../types.ts";

type Visit = (v: Value, ctx: SampleContext) => boolean;

/** Where the path starts in a request target; -1 when there is none ("*", "host:443"). */
export function pathStart(target: string): number {
  if (target.charCodeAt(0) === 0x2f) return 0;
  const scheme = target.indexOf("://");
  if (scheme <= 0) return -1;
  const slash = target.indexOf("/", scheme + 3);
  const q = target.indexOf("?", scheme + 3);
  return slash >= 0 && (q < 0 || slash < q) ? slash : -1;
}

/** The path ("/a/b"), without host or query; undefined when the target has none. */
export function pathOf(target: string): string | undefined {
  const at = pathStart(target);
  if (at < 0) return undefined;
  const q = target.indexOf("?", at);
  return q < 0 ? (at === 0 ? target : target.slice(at)) : target.slice(at, q);
}

/** What follows the first "?" ("" for a bare "?"); undefined without one. */
export function queryOf(target: string): string | undefined {
  return paramList(target, "?");
}

/**
 * What follows the first `start` character of a target: the parameter list `url_param` reads
 * (HAProxy looks for its delimiter argument, "?" by default, anywhere in the target).
 */
export function paramList(target: string, start: string): string | undefined {
  const q = target.indexOf(start);
  return q < 0 ? undefined : target.slice(q + 1);
}

/** The end of the list element starting at `from`: the next comma outside double quotes. */
function elementEnd(v: string, from: number): number {
  let quoted = false;
  for (let i = from; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (quoted) {
      if (c === 0x5c) i++;
      else if (c === 0x22) quoted = false;
    } else if (c === 0x22) quoted = true;
    else if (c === 0x2c) return i;
  }
  return v.length;
}

/**
 * `v` with each list element (split at commas outside quotes, blanks around it trimmed) passed
 * through `f`. An element `f` rewrites loses the blanks around it, as with HAProxy's
 * replace-value; one it leaves (undefined) stays as it came.
 */
export function mapElements(v: string, f: (element: string) => string | undefined): string {
  let out = "";
  for (let a = 0; a <= v.length;) {
    const b = elementEnd(v, a);
    out += f(trimmed(v, a, b)) ?? v.slice(a, b);
    if (b < v.length) out += ",";
    a = b + 1;
  }
  return out;
}

function trimmed(v: string, a: number, b: number): string {
  while (a < b && (v.charCodeAt(a) === 0x20 || v.charCodeAt(a) === 0x09)) a++;
  while (b > a && (v.charCodeAt(b - 1) === 0x20 || v.charCodeAt(b - 1) === 0x09)) b--;
  return a === 0 && b === v.length ? v : v.slice(a, b);
}

/**
 * Calls `visit` on each value of the fields named `lname` ("" for every field) until it returns
 * true: each comma-separated element when `split` (as `hdr` does), else each whole field (`fhdr`).
 */
export function eachValue(
  h: readonly HeaderField[],
  lname: string,
  split: boolean,
  ctx: SampleContext,
  visit: Visit,
): boolean {
  for (let k = 0; k < h.length; k++) {
    const f = h[k]!;
    if (lname !== "" && f.lname !== lname) continue;
    if (!split) {
      if (visit(f.value, ctx)) return true;
      continue;
    }
    const v = f.value;
    if (v.indexOf(",") < 0) {
      // no comma, so one element (the usual case): no scan in JavaScript
      if (visit(trimmed(v, 0, v.length), ctx)) return true;
      continue;
    }
    for (let a = 0; a <= v.length;) {
      const b = elementEnd(v, a);
      if (visit(trimmed(v, a, b), ctx)) return true;
      a = b + 1;
    }
  }
  return false;
}

/** How many values `eachValue` would visit. */
export function countValues(h: readonly HeaderField[], lname: string, split: boolean): number {
  let n = 0;
  for (let k = 0; k < h.length; k++) {
    const f = h[k]!;
    if (lname !== "" && f.lname !== lname) continue;
    if (!split) n++;
    else for (let a = 0; a <= f.value.length; a = elementEnd(f.value, a) + 1) n++;
  }
  return n;
}

/** The value at `occ`: 1 is the first, -1 (or 0) the last, -2 the one before; undefined if none. */
export function valueAt(
  h: readonly HeaderField[],
  lname: string,
  split: boolean,
  occ: number,
): string | undefined {
  let n = occ > 0 ? occ : countValues(h, lname, split) + occ + (occ === 0 ? 0 : 1);
  if (n < 1) return undefined;
  for (let k = 0; k < h.length; k++) {
    const f = h[k]!;
    if (lname !== "" && f.lname !== lname) continue;
    if (!split) {
      if (--n === 0) return f.value;
      continue;
    }
    const v = f.value;
    for (let a = 0; a <= v.length;) {
      const b = elementEnd(v, a);
      if (--n === 0) return trimmed(v, a, b);
      a = b + 1;
    }
  }
  return undefined;
}

/**
 * Calls `visit` on the value of each cookie named `name` ("" for any) in the fields named `lname`
 * (`name=value` pairs separated by ";") until it returns true.
 */
export function eachCookie(
  h: readonly HeaderField[],
  lname: string,
  name: string,
  ctx: SampleContext,
  visit: Visit,
): boolean {
  for (let k = 0; k < h.length; k++) {
    const f = h[k]!;
    if (f.lname !== lname) continue;
    const v = f.value;
    for (let a = 0; a < v.length;) {
      let b = v.indexOf(";", a);
      if (b < 0) b = v.length;
      const eq = v.indexOf("=", a);
      if (eq >= 0 && eq < b && (name === "" || trimmed(v, a, eq) === name)) {
        if (visit(trimmed(v, eq + 1, b), ctx)) return true;
      }
      a = b + 1;
    }
  }
  return false;
}

/**
 * Calls `visit` on the value of each Set-Cookie field's cookie named `name` ("" for any) until it
 * returns true: only the first `name=value` of a field counts, the attributes after it do not
 * (HAProxy's res.cook).
 */
export function eachSetCookie(
  h: readonly HeaderField[],
  name: string,
  ctx: SampleContext,
  visit: Visit,
): boolean {
  for (let k = 0; k < h.length; k++) {
    const f = h[k]!;
    if (f.lname !== "set-cookie") continue;
    const v = f.value, eq = v.indexOf("=");
    let b = v.indexOf(";");
    if (b < 0) b = v.length;
    if (eq < 0 || eq > b || (name !== "" && trimmed(v, 0, eq) !== name)) continue;
    if (visit(trimmed(v, eq + 1, b), ctx)) return true;
  }
  return false;
}

/**
 * Calls `visit` on the value of each query parameter named `name` ("" for any) until it returns
 * true. As in HAProxy, a parameter without "=" has no value and is never visited.
 */
export function eachParam(
  query: string,
  name: string,
  delims: string,
  icase: boolean,
  ctx: SampleContext,
  visit: Visit,
): boolean {
  for (let a = 0; a < query.length;) {
    let b = a;
    while (b < query.length && !delims.includes(query[b]!)) b++;
    const eq = query.indexOf("=", a);
    if (eq >= 0 && eq < b) {
      const key = query.slice(a, eq);
      const same = name === "" || (icase ? key.toLowerCase() === name : key === name);
      if (same && visit(query.slice(eq + 1, b), ctx)) return true;
    }
    a = b + 1;
  }
  return false;
}
