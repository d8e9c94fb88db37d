/** Implicit conversions between sample types, applied between a fetch, its converters and the matcher. */
import { isMappedIPv4, LENIENT, parseIP } from "../net/ip.ts";
import { decodeLatin1 } from "../http1/serialize.ts";
import type { SampleType, Value } from "./types.ts";

/** A conversion; undefined when this value cannot be converted (the sample then fails). */
export type Cast = (v: Value) => Value | undefined;

/** How each type is named in messages: `expects a string but "src" gives an ip`. */
export const TYPE_NAMES: Readonly<Record<SampleType, string>> = {
  str: "a string",
  int: "an integer",
  ip: "an ip",
  bool: "a boolean",
  bin: "binary data",
};

const UTF8 = new TextEncoder();

/**
 * The allowed conversions. Stricter than HAProxy on purpose: an ip never silently becomes a
 * string (its text form is not unique: "::ffff:10.0.0.1" is "10.0.0.1"), so `src,lower` or
 * `src -m beg 10.` is refused at config time; use `ipmask` or an ip pattern instead.
 */
const CASTS: Readonly<Record<string, Cast>> = {
  // HAProxy's c_str2int: the leading integer ("7b" → 7, "abc" → 0); only "" fails
  "str>int": (v) => {
    const s = v as string;
    if (s === "") return undefined;
    const m = /^[+-]?\d{0,15}/.exec(s)![0];
    const n = Number(m === "" || m === "+" || m === "-" ? 0 : m);
    return n === 0 ? 0 : n; // never -0
  },
  "str>ip": (v) => (parseIP(v as string, LENIENT) ? v : undefined),
  "str>bin": (v) => strToBin(v as string),
  "int>str": (v) => String(v),
  "int>bool": (v) => v !== 0,
  "bool>int": (v) => (v ? 1 : 0),
  "ip>bin": (v) => {
    const b = parseIP(v as string, LENIENT);
    if (!b) return undefined;
    return isMappedIPv4(b) ? b.slice(12) : b;
  },
  "bin>str": (v) => decodeLatin1(v as Uint8Array),
};

/** The conversion from `from` to `to`: null when none is needed, undefined when not allowed. */
export function castFor(from: SampleType, to: SampleType): Cast | null | undefined {
  return from === to ? null : CASTS[`${from}>${to}`];
}

/** Latin1 bytes (what header text decodes from); UTF-8 when a char is above U+00FF. */
export function strToBin(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) return UTF8.encode(s);
    out[i] = c;
  }
  return out;
}
