/** crypt(3)'s SHA-256 and SHA-512 schemes (`$5$`, `$6$`, Drepper's spec): userlist and `global.api` passwords. */
import { createHash } from "node:crypto";

const B64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** The byte triples crypt's base-64 output takes, per scheme (the final byte(s) after). */
const ORDER_512 = [
  [0, 21, 42],
  [22, 43, 1],
  [44, 2, 23],
  [3, 24, 45],
  [25, 46, 4],
  [47, 5, 26],
  [6, 27, 48],
  [28, 49, 7],
  [50, 8, 29],
  [9, 30, 51],
  [31, 52, 10],
  [53, 11, 32],
  [12, 33, 54],
  [34, 55, 13],
  [56, 14, 35],
  [15, 36, 57],
  [37, 58, 16],
  [59, 17, 38],
  [18, 39, 60],
  [40, 61, 19],
  [62, 20, 41],
];
const ORDER_256 = [
  [0, 10, 20],
  [21, 1, 11],
  [12, 22, 2],
  [3, 13, 23],
  [24, 4, 14],
  [15, 25, 5],
  [6, 16, 26],
  [27, 7, 17],
  [18, 28, 8],
  [9, 19, 29],
];

function b64(v: number, n: number): string {
  let out = "";
  for (let i = 0; i < n; i++, v >>= 6) out += B64[v & 63];
  return out;
}

function digest(alg: string, parts: Uint8Array[]): Uint8Array {
  const h = createHash(alg);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

function repeatTo(src: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = src[i % src.length]!;
  return out;
}

/** Hashes `password` as `setting` says (`$6$rounds=N$salt$…`); null when the scheme is not $5$ or $6$. */
export function shaCrypt(password: string, setting: string): string | null {
  const m = /^\$([56])\$(?:rounds=(\d+)\$)?([^$]{0,16})/.exec(setting);
  if (!m) return null;
  const alg = m[1] === "6" ? "sha512" : "sha256", size = m[1] === "6" ? 64 : 32;
  const rounds = m[2] === undefined ? 5000 : Math.min(999999999, Math.max(1000, Number(m[2])));
  const enc = new TextEncoder();
  const p = enc.encode(password), s = enc.encode(m[3]!);
  const b = digest(alg, [p, s, p]);
  const aParts = [p, s, repeatTo(b, p.length)];
  for (let n = p.length; n > 0; n >>= 1) aParts.push(n & 1 ? b : p);
  let a = digest(alg, aParts);
  const dp = digest(alg, Array(p.length).fill(p));
  const ds = digest(alg, Array(16 + a[0]!).fill(s));
  const P = repeatTo(dp, p.length), S = repeatTo(ds, s.length);
  for (let i = 0; i < rounds; i++) {
    const parts: Uint8Array[] = [i & 1 ? P : a];
    if (i % 3) parts.push(S);
    if (i % 7) parts.push(P);
    parts.push(i & 1 ? a : P);
    a = digest(alg, parts);
  }
  let out = "";
  for (const [x, y, z] of size === 64 ? ORDER_512 : ORDER_256) {
    out += b64((a[x!]! << 16) | (a[y!]! << 8) | a[z!]!, 4);
  }
  out += size === 64 ? b64(a[63]!, 2) : b64((a[31]! << 8) | a[30]!, 3);
  const head = m[2] === undefined ? `$${m[1]}$` : `$${m[1]}$rounds=${rounds}$`;
  return `${head}${m[3]}$${out}`;
}

/** True when `password` hashes to `hash` (a `$5$` or `$6$` crypt string). */
export function verifyCrypt(password: string, hash: string): boolean {
  const got = shaCrypt(password, hash);
  return got !== null && got === hash;
}
