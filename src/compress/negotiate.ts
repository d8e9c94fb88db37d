/** Content-coding negotiation: picks a configured algorithm from Accept-Encoding (RFC 9110 §12.5.3). */
import * as zlib from "node:zlib";

/** A response content-coding the proxy can produce (HAProxy's `compression algo` names, plus br and zstd). */
export type Algo = "gzip" | "deflate" | "br" | "zstd";

/** Every algorithm name, in the order `compression algo` lists them by default. */
export const ALGOS: readonly Algo[] = ["gzip", "deflate", "br", "zstd"];

/**
 * The algorithms this runtime's node:zlib can produce, probed once at load. gzip, deflate and br are
 * checked by their factory; zstd also by building (and freeing) one encoder, because a runtime may
 * ship `createZstdCompress` as a stub. Deno 2.9.6 and Bun 1.4.5 both have all four.
 */
export const AVAILABLE_ALGOS: readonly Algo[] = probe();

/** Whether `name` is an algorithm name (any runtime). */
export function isAlgo(name: string): name is Algo {
  return (ALGOS as readonly string[]).includes(name);
}

/**
 * The algorithm to encode a response with, or undefined to send it as it is.
 *
 * `acceptEncoding` is every Accept-Encoding field of the request joined by ","; undefined (no field)
 * means no compression, as HAProxy does, and so does an empty field (RFC 9110: identity only).
 * A coding is acceptable when listed with q > 0, or not listed and covered by `*` with q > 0.
 * The highest q wins; equal q goes to the earlier entry of `algos` (the configured preference).
 * Names are case-insensitive, `x-gzip` is `gzip`, whitespace around elements and parameters is
 * tolerated. An element with a coding that is not a token, or a missing, malformed or repeated q
 * parameter, is ignored; other parameters are ignored. A coding listed twice keeps its lowest q, so
 * a refusal is never overridden. `identity` is never chosen nor needed: we fall back to it anyway.
 *
 * @example
 * ```ts
 * chooseEncoding("gzip;q=0.5, br", ["gzip", "br"]); // "br"
 * chooseEncoding("*;q=0.1, gzip;q=0", ["gzip", "br"]); // "br"
 * ```
 */
export function chooseEncoding(
  acceptEncoding: string | undefined,
  algos: readonly Algo[],
): Algo | undefined {
  if (acceptEncoding === undefined || algos.length === 0) return undefined;
  // q of each algorithm in `algos` order (-1: not listed) and of "*", in thousandths.
  const listed = algos.map(() => -1);
  let star = -1;
  let a = 0;
  const s = acceptEncoding;
  while (a <= s.length) {
    let b = s.indexOf(",", a);
    if (b < 0) b = s.length;
    const el = parseElement(s, a, b);
    a = b + 1;
    if (el === undefined) continue;
    if (el.coding === "*") {
      star = star < 0 ? el.q : Math.min(star, el.q);
      continue;
    }
    for (let i = 0; i < algos.length; i++) {
      if (algos[i] !== el.coding) continue;
      const prev = listed[i]!;
      listed[i] = prev < 0 ? el.q : Math.min(prev, el.q);
    }
  }
  let best: Algo | undefined;
  let bestQ = 0;
  for (let i = 0; i < algos.length; i++) {
    const q = listed[i]! >= 0 ? listed[i]! : star;
    if (q > bestQ) {
      bestQ = q;
      best = algos[i];
    }
  }
  return best;
}

interface Element {
  /** Lower-cased coding, "x-gzip" folded into "gzip"; "*" for the wildcard. */
  coding: string;
  /** Weight in thousandths, 0..1000. */
  q: number;
}

/** Parses `s[a, b)`, one list element `coding *( OWS ";" OWS param )`; undefined when unusable. */
function parseElement(s: string, a: number, b: number): Element | undefined {
  let semi = s.indexOf(";", a);
  if (semi < 0 || semi > b) semi = b;
  const coding = s.slice(a, semi).trim().toLowerCase();
  if (!isToken(coding)) return undefined;
  let q = -1;
  let p = semi + 1;
  while (p <= b) {
    let e = s.indexOf(";", p);
    if (e < 0 || e > b) e = b;
    const param = s.slice(p, e);
    p = e + 1;
    const eq = param.indexOf("=");
    const name = (eq < 0 ? param : param.slice(0, eq)).trim().toLowerCase();
    if (name !== "q") continue;
    if (q >= 0 || eq < 0) return undefined;
    q = parseQ(param.slice(eq + 1).trim());
    if (q < 0) return undefined;
  }
  return { coding: coding === "x-gzip" ? "gzip" : coding, q: q < 0 ? 1000 : q };
}

/** qvalue (RFC 9110 §12.4.2): "0" ["." 0*3DIGIT] / "1" ["." 0*3("0")], in thousandths; -1 if invalid. */
function parseQ(v: string): number {
  if (v.length === 0 || v.length > 5) return -1;
  const lead = v.charCodeAt(0) - 0x30;
  if (lead !== 0 && lead !== 1) return -1;
  if (v.length === 1) return lead * 1000;
  if (v.charCodeAt(1) !== 0x2e) return -1;
  let frac = 0;
  for (let i = 2; i < 5; i++) {
    const d = i < v.length ? v.charCodeAt(i) - 0x30 : 0;
    if (d < 0 || d > 9) return -1;
    frac = frac * 10 + d;
  }
  if (lead === 1 && frac !== 0) return -1;
  return lead * 1000 + frac;
}

const TCHARS = "!#$%&'*+-.^_`|~";

/** token (RFC 9110 §5.6.2): one or more tchar. */
function isToken(t: string): boolean {
  if (t.length === 0) return false;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
    if (!alnum && !TCHARS.includes(t[i]!)) return false;
  }
  return true;
}

/** The probe behind AVAILABLE_ALGOS. */
function probe(): Algo[] {
  const z = zlib as unknown as Record<string, unknown>;
  const out: Algo[] = [];
  if (typeof z.createGzip === "function") out.push("gzip");
  if (typeof z.createDeflate === "function") out.push("deflate");
  if (typeof z.createBrotliCompress === "function") out.push("br");
  const zstd = z.createZstdCompress;
  if (typeof zstd === "function") {
    try {
      (zstd() as { destroy(): void }).destroy();
      out.push("zstd");
    } catch {
      // A stub that throws: zstd is not available here.
    }
  }
  return out;
}
