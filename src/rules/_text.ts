/** Text helpers of the converters: fields and words, URL decoding, the port in a Host value. */
import { intArg, optIntArg } from "./_prepare.ts";
import { ArgumentError } from "./types.ts";

/** Start and end offsets of each field of `s` (every one, or only non-empty ones for `word`). */
export function spans(s: string, delims: string, skipEmpty: boolean): number[] {
  const out: number[] = [];
  let a = 0;
  for (let i = 0; i <= s.length; i++) {
    if (i < s.length && !delims.includes(s[i]!)) continue;
    if (!skipEmpty || i > a) out.push(a, i);
    a = i + 1;
  }
  return out;
}

export interface FieldArgs {
  index: number;
  delims: string;
  count: number;
}

/** Field `index` (1-based; negative from the end) and `count - 1` more toward the far end (0: all). */
export function pick(s: string, sp: number[], a: FieldArgs): string {
  const n = sp.length / 2;
  let first: number, last: number;
  if (a.index > 0) {
    first = a.index - 1;
    last = a.count === 0 ? n - 1 : Math.min(n - 1, first + a.count - 1);
  } else {
    last = n + a.index;
    first = a.count === 0 ? 0 : Math.max(0, last - a.count + 1);
  }
  if (first >= n || last < 0) return "";
  return s.slice(sp[first * 2], sp[last * 2 + 1]);
}

export function fieldArgs(a: readonly string[]): FieldArgs {
  const index = intArg(a[0]!, 0, "index", -1000000, 1000000);
  if (index === 0) throw new ArgumentError("index must not be 0 (fields count from 1 or -1)", 0);
  if (!a[1]) throw new ArgumentError("delimiters must not be empty", 1);
  return { index, delims: a[1], count: optIntArg(a[2], 2, "count", 1, 0) };
}

export function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** Decodes %XX (to the byte's latin1 char) and, when `plus`, "+" to a space; undefined if malformed. */
export function urlDecode(s: string, plusEverywhere: boolean): string | undefined {
  if (!s.includes("%") && !s.includes("+")) return s;
  let out = "";
  let plus = plusEverywhere;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "%") {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) return undefined;
      out += String.fromCharCode(parseInt(h, 16));
      i += 2;
    } else {
      if (c === "?") plus = true;
      out += c === "+" && plus ? " " : c;
    }
  }
  return out;
}

/** Where the port's ":" is in a Host value, -1 without one ("h", "[::1]", a bare IPv6 address). */
export function portColon(h: string): number {
  if (h[0] === "[") {
    const close = h.indexOf("]");
    return close >= 0 && h[close + 1] === ":" ? close + 1 : -1;
  }
  const c = h.indexOf(":");
  return c >= 0 && h.indexOf(":", c + 1) < 0 ? c : -1;
}
