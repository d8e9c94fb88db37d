/** Map files (`key value` per line) and their lookups by match kind, built once at config load. */
import { RuleFailure } from "./_fail.ts";
import { isMappedIPv4 } from "../net/ip.ts";
import { ipBytes, parseNetwork } from "./_ip.ts";
import { buildMatcher, type MatchMethod } from "./match.ts";
import type { LoadContext, Value } from "./types.ts";

/** One line of a map file: the key, the rest of the line (trimmed, maybe ""), its line number. */
export interface MapEntry {
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

/** How a map compares its keys with the input: HAProxy's match methods that maps take. */
export type MapMatch = "str" | "beg" | "sub" | "dir" | "dom" | "end" | "reg" | "int" | "ip";

/** The index of the entry the input matches, or -1. */
export type MapLookup = (input: Value) => number;

/**
 * The entries of map file `path`, read once per CompileOptions object. As HAProxy, leading blanks
 * are skipped, the key is the first word, the value the rest of the line without its surrounding
 * blanks; blank lines and lines starting with `#` are skipped.
 * @throws {Error} `cannot read map file "x.map": ...` when the file cannot be read.
 */
export function readMapFile(path: string, load: LoadContext): readonly MapEntry[] {
  return load.memo(`map-file:${path}`, () => {
    let text: string;
    try {
      text = load.readFile(path);
    } catch (e) {
      throw new Error(`cannot read map file "${path}": ${(e as Error).message}`);
    }
    const entries: MapEntry[] = [];
    text.split("\n").forEach((raw, n) => {
      const m = /^[ \t]*([^ \t\r]+)[ \t]*(.*?)[ \t\r]*$/.exec(raw);
      if (!m || m[1]![0] === "#") return;
      entries.push({ key: m[1]!, value: m[2]!, line: n + 1 });
    });
    return entries;
  });
}

/**
 * The lookup of `match` over `entries` (from map file `file`), mirroring HAProxy's pattern.c:
 * `str` is an exact lookup, `beg` the longest matching prefix and `ip` the most specific network
 * (HAProxy keeps those in trees); the others take the first matching entry in file order. A key
 * that is no valid pattern for `match` throws an Error naming the file and line.
 */
export function mapLookup(match: MapMatch, entries: readonly MapEntry[], file: string): MapLookup {
  switch (match) {
    case "str":
      return exact(entries);
    case "beg":
      return longestPrefix(entries);
    case "ip":
      return networks(entries, file);
    default:
      return firstMatch(match, entries, file);
  }
}

function exact(entries: readonly MapEntry[]): MapLookup {
  const keys = new Map<string, number>();
  entries.forEach((e, i) => keys.has(e.key) || keys.set(e.key, i));
  return (v) => keys.get(v as string) ?? -1;
}

/** Keys of different lengths never collide, so one Map, probed once per distinct key length. */
function longestPrefix(entries: readonly MapEntry[]): MapLookup {
  const keys = new Map<string, number>();
  entries.forEach((e, i) => keys.has(e.key) || keys.set(e.key, i));
  const lengths = [...new Set(entries.map((e) => e.key.length))].sort((a, b) => b - a);
  return (v) => {
    const s = v as string;
    for (let i = 0; i < lengths.length; i++) {
      const n = lengths[i]!;
      if (n > s.length) continue;
      const at = keys.get(n === s.length ? s : s.slice(0, n));
      if (at !== undefined) return at;
    }
    return -1;
  };
}

/** sub, dir, dom, end, reg, int: each key compiled as an ACL pattern, tried in file order. */
function firstMatch(method: MatchMethod, entries: readonly MapEntry[], file: string): MapLookup {
  const tests = entries.map((e) => {
    try {
      return buildMatcher(method, [
        { text: e.key, column: 0, icase: false, origin: `${file}:${e.line}` },
      ]);
    } catch (err) {
      if (err instanceof RuleFailure) throw new Error(`map file ${err.error.message}`);
      throw err;
    }
  });
  return (v) => {
    for (let i = 0; i < tests.length; i++) if (tests[i]!(v)) return i;
    return -1;
  };
}

/** Networks by prefix length, most specific first: a Map per length, keyed by masked address. */
interface NetTable {
  prefixes: number[];
  byPrefix: Map<number, Map<string, number>>;
}

/**
 * As HAProxy: IPv4 keys and IPv6 keys are two tables; an IPv4 input tries the IPv4 one first, an
 * IPv6 input the IPv6 one first, then (when it is an IPv4-mapped address) the IPv4 one.
 */
function networks(entries: readonly MapEntry[], file: string): MapLookup {
  const v4: NetTable = { prefixes: [], byPrefix: new Map() };
  const v6: NetTable = { prefixes: [], byPrefix: new Map() };
  entries.forEach((e, i) => {
    const net = parseNetwork(e.key);
    if (!net) {
      throw new Error(
        `map file pattern "${e.key}" (${file}:${e.line}) is not an IP address or network`,
      );
    }
    const isV4 = !e.key.includes(":");
    // IPv4 networks live in the mapped range (prefix 96 + n); both tables key on 16 bytes.
    const table = isV4 ? v4 : v6;
    let keys = table.byPrefix.get(net.prefix);
    if (!keys) {
      table.byPrefix.set(net.prefix, keys = new Map());
      table.prefixes.push(net.prefix);
    }
    const key = masked(net.bytes, net.prefix);
    if (!keys.has(key)) keys.set(key, i);
  });
  v4.prefixes.sort((a, b) => b - a);
  v6.prefixes.sort((a, b) => b - a);
  return (v) => {
    const text = v as string;
    const addr = ipBytes(text);
    if (!addr) return -1;
    if (!text.includes(":")) {
      const at = longest(v4, addr);
      return at >= 0 ? at : longest(v6, addr);
    }
    const at = longest(v6, addr);
    return at >= 0 || !isMappedIPv4(addr) ? at : longest(v4, addr);
  };
}

function longest(table: NetTable, addr: Uint8Array): number {
  for (let i = 0; i < table.prefixes.length; i++) {
    const p = table.prefixes[i]!;
    const at = table.byPrefix.get(p)!.get(masked(addr, p));
    if (at !== undefined) return at;
  }
  return -1;
}

/** The first `prefix` bits of a 16-byte address as a string key (one char per byte). */
function masked(addr: Uint8Array, prefix: number): string {
  let key = "";
  const whole = prefix >> 3;
  for (let i = 0; i < whole; i++) key += String.fromCharCode(addr[i]!);
  const bits = prefix & 7;
  if (bits > 0) key += String.fromCharCode(addr[whole]! & (0xff << (8 - bits)) & 0xff);
  return key;
}
