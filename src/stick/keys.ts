/** Stick table key types (`ip`, `ipv6`, `integer`, `string [len]`, `binary [len]`): a sample value as a compact Map key. */
import { isMappedIPv4, LENIENT, parseIP, parseIPv4 } from "../net/ip.ts";

/** A table's key type, as its `type` keyword. */
export type KeyType = "ip" | "ipv6" | "integer" | "string" | "binary";

/** A key as stored: a number (ip, integer) or a short string (ipv6 and binary as latin1 bytes). */
export type Key = number | string;

/** The sample values a key is made of (the rules engine's Value). */
export type KeyInput = string | number | boolean | Uint8Array;

/** Key types by keyword, for the config check. */
export const KEY_TYPES: readonly KeyType[] = ["ip", "ipv6", "integer", "string", "binary"];

/** The default `len` of string and binary keys, as HAProxy's (32 bytes). */
export const DEFAULT_KEY_LEN = 32;

function latin1(b: Uint8Array, len: number): string {
  let s = "";
  for (let i = 0; i < len; i++) s += String.fromCharCode(b[i] ?? 0);
  return s;
}

/**
 * `v` as a key of type `type`, or undefined when it cannot be one. `ip` keeps IPv4 only, as
 * HAProxy's (an IPv4-mapped IPv6 address is taken as its IPv4); `ipv6` takes both, IPv4 mapped;
 * `string` is cut to `len` characters; `binary` is cut or zero-padded to `len` bytes.
 */
export function toKey(type: KeyType, len: number, v: KeyInput): Key | undefined {
  switch (type) {
    case "ip": {
      if (typeof v !== "string") return undefined;
      const n = parseIPv4(v, LENIENT);
      if (n !== null) return n;
      const b = parseIP(v, LENIENT);
      if (b === null || !isMappedIPv4(b)) return undefined;
      return ((b[12]! << 24) | (b[13]! << 16) | (b[14]! << 8) | b[15]!) >>> 0;
    }
    case "ipv6": {
      if (typeof v !== "string") return undefined;
      const b = parseIP(v, LENIENT);
      return b === null ? undefined : latin1(b, 16);
    }
    case "integer": {
      const n = typeof v === "number" ? v : typeof v === "boolean" ? Number(v) : Number(v);
      return Number.isInteger(n) ? n | 0 : undefined;
    }
    case "string": {
      const s = typeof v === "string"
        ? v
        : v instanceof Uint8Array
        ? latin1(v, v.length)
        : String(typeof v === "boolean" ? Number(v) : v);
      return s.length > len ? s.slice(0, len) : s;
    }
    case "binary": {
      const b = v instanceof Uint8Array
        ? v
        : typeof v === "string"
        ? Uint8Array.from(v, (c) => c.charCodeAt(0) & 0xff)
        : undefined;
      return b === undefined ? undefined : latin1(b, len);
    }
  }
}
