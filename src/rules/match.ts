/** Pattern matching methods (`-m str`, `beg`, `reg`, `int`, `ip`, ...): patterns compiled into one predicate. */
import { attempt, fail } from "./_fail.ts";
import type { RuleError } from "./errors.ts";
import { inNetwork, ipBytes, type Network, parseNetwork } from "./_ip.ts";
import type { SampleType, Value } from "./types.ts";

/** HAProxy's matching methods. */
export type MatchMethod =
  | "found"
  | "bool"
  | "int"
  | "ip"
  | "bin"
  | "len"
  | "str"
  | "sub"
  | "reg"
  | "beg"
  | "end"
  | "dir"
  | "dom";

/** The type each method reads (the sample is cast to it); null: any type (`found`). */
export const MATCH_INPUT: Readonly<Record<MatchMethod, SampleType | null>> = {
  found: null,
  bool: "bool",
  int: "int",
  ip: "ip",
  bin: "bin",
  len: "str",
  str: "str",
  sub: "str",
  reg: "str",
  beg: "str",
  end: "str",
  dir: "str",
  dom: "str",
};

/** The method used without `-m`: exact for strings, value for integers, network for addresses. */
export function defaultMatch(type: SampleType): MatchMethod {
  return type;
}

/** One pattern: its text, where it was written, and whether `-i` applied to it. */
export interface Pattern {
  text: string;
  column: number;
  icase: boolean;
  /** `FILE:LINE` for a pattern read with `-f`. */
  origin?: string;
}

type Test = (v: Value) => boolean;

/**
 * Compiles the patterns for `method` into one predicate over values of MATCH_INPUT[method].
 *
 * @example
 * ```ts
 * const r = compileMatcher("beg", [{ text: "/api", column: 1, icase: false }]);
 * if (r.ok) r.match("/api/users"); // true
 * ```
 */
export function compileMatcher(
  method: MatchMethod,
  patterns: readonly Pattern[],
): { ok: true; match: (v: Value) => boolean } | { ok: false; error: RuleError } {
  const r = attempt(() => buildMatcher(method, patterns));
  return r.ok ? { ok: true, match: r.value } : r;
}

/** compileMatcher, throwing a RuleFailure (for the ACL compiler). */
export function buildMatcher(method: MatchMethod, patterns: readonly Pattern[]): Test {
  if (method === "found" || method === "bool") {
    const p = patterns[0];
    if (p) reject(p, `is not expected: matching "${method}" takes no patterns`);
    return method === "found" ? () => true : (v) => v === true;
  }
  switch (method) {
    case "int":
      return ranges(patterns, (v) => v as number);
    case "len":
      return ranges(patterns, (v) => (v as string).length);
    case "ip":
      return networks(patterns);
    case "bin":
      return bytes(patterns);
    case "str":
      return exact(patterns);
    case "reg":
      return regexes(patterns);
    default:
      return strings(method, patterns);
  }
}

function reject(p: Pattern, why: string): never {
  const origin = p.origin === undefined ? "" : ` (${p.origin})`;
  return fail(`pattern "${p.text}"${origin} ${why}`, p.text, p.column);
}

const OPERATORS = ["eq", "ge", "gt", "le", "lt"];

/** Integer patterns: `N`, `N:M`, `N:`, `:M`, or an operator and a value (`gt 0`). */
function ranges(patterns: readonly Pattern[], read: (v: Value) => number): Test {
  const lo: number[] = [], hi: number[] = [];
  const int = (p: Pattern, t: string) =>
    /^[+-]?\d{1,15}$/.test(t) ? Number(t) : reject(p, "is not an integer, range or comparison");
  for (let i = 0; i < patterns.length; i++) {
    const p = patterns[i]!;
    if (OPERATORS.includes(p.text)) {
      const next = patterns[++i] ?? reject(p, "needs a value after it");
      const n = int(next, next.text);
      const op = p.text;
      lo.push(op === "ge" || op === "eq" ? n : op === "gt" ? n + 1 : -Infinity);
      hi.push(op === "le" || op === "eq" ? n : op === "lt" ? n - 1 : Infinity);
      continue;
    }
    const colon = p.text.indexOf(":");
    if (colon < 0) {
      const n = int(p, p.text);
      lo.push(n);
      hi.push(n);
    } else {
      const a = p.text.slice(0, colon), b = p.text.slice(colon + 1);
      if (a === "" && b === "") reject(p, "is not an integer, range or comparison");
      lo.push(a === "" ? -Infinity : int(p, a));
      hi.push(b === "" ? Infinity : int(p, b));
    }
  }
  return (v) => {
    const n = read(v);
    for (let i = 0; i < lo.length; i++) if (n >= lo[i]! && n <= hi[i]!) return true;
    return false;
  };
}

function networks(patterns: readonly Pattern[]): Test {
  const nets: Network[] = patterns.map((p) =>
    parseNetwork(p.text) ?? reject(p, "is not an IP address or network")
  );
  return (v) => {
    const addr = ipBytes(v as string);
    if (!addr) return false;
    for (let i = 0; i < nets.length; i++) if (inNetwork(addr, nets[i]!)) return true;
    return false;
  };
}

function bytes(patterns: readonly Pattern[]): Test {
  const list = patterns.map((p) => {
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(p.text)) reject(p, "is not an even number of hex digits");
    return Uint8Array.from(p.text.match(/../g) ?? [], (h) => parseInt(h, 16));
  });
  return (v) => {
    const b = v as Uint8Array;
    return list.some((p) => p.length === b.length && p.every((x, i) => x === b[i]));
  };
}

function exact(patterns: readonly Pattern[]): Test {
  const cs = new Set<string>(), ci = new Set<string>();
  for (const p of patterns) (p.icase ? ci : cs).add(p.icase ? p.text.toLowerCase() : p.text);
  if (ci.size === 0) return (v) => cs.has(v as string);
  return (v) => cs.has(v as string) || ci.has((v as string).toLowerCase());
}

function regexes(patterns: readonly Pattern[]): Test {
  const list = patterns.map((p) => {
    try {
      return new RegExp(p.text, p.icase ? "i" : "");
    } catch (e) {
      return reject(p, `is not a valid regex: ${(e as Error).message}`);
    }
  });
  return (v) => {
    for (let i = 0; i < list.length; i++) if (list[i]!.test(v as string)) return true;
    return false;
  };
}

const DELIMITERS: Readonly<Record<string, string>> = { dir: "/?", dom: "/?.:" };

/** beg, end, sub, dir, dom: each pattern against the string, lower-cased once if any has `-i`. */
function strings(
  method: "beg" | "end" | "sub" | "dir" | "dom",
  patterns: readonly Pattern[],
): Test {
  const delims = DELIMITERS[method] ?? "";
  const list = patterns.map((p) => {
    let t = p.icase ? p.text.toLowerCase() : p.text;
    if (delims !== "") {
      // As HAProxy: delimiters around a dir/dom pattern are ignored ("/img/" is "img").
      let a = 0, b = t.length;
      while (a < b && delims.includes(t[a]!)) a++;
      while (b > a && delims.includes(t[b - 1]!)) b--;
      t = t.slice(a, b);
    }
    return { t, icase: p.icase };
  });
  const ts = list.map((p) => p.t);
  const anyIcase = list.some((p) => p.icase);
  const allIcase = list.every((p) => p.icase);
  const test = {
    beg: (s: string, t: string) => s.startsWith(t),
    end: (s: string, t: string) => s.endsWith(t),
    sub: (s: string, t: string) => s.includes(t),
    dir: (s: string, t: string) => word(s, t, delims),
    dom: (s: string, t: string) => word(s, t, delims),
  }[method];
  if (!anyIcase || allIcase) {
    // every pattern alike: lower-case the sample once (or not at all), no per-pattern choice
    return (v) => {
      const s = allIcase ? (v as string).toLowerCase() : v as string;
      for (let i = 0; i < ts.length; i++) if (test(s, ts[i]!)) return true;
      return false;
    };
  }
  return (v) => {
    const s = v as string;
    let lower: string | undefined;
    for (let i = 0; i < list.length; i++) {
      const p = list[i]!;
      if (test(p.icase ? (lower ??= s.toLowerCase()) : s, p.t)) return true;
    }
    return false;
  };
}

/** Whether `t` occurs in `s` with a delimiter (or the start/end) on each side. */
function word(s: string, t: string, delims: string): boolean {
  if (t === "") return false;
  for (let at = s.indexOf(t); at >= 0; at = s.indexOf(t, at + 1)) {
    const end = at + t.length;
    const before = at === 0 || delims.includes(s[at - 1]!);
    const after = end === s.length || delims.includes(s[end]!);
    if (before && after) return true;
  }
  return false;
}
