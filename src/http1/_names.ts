/** Common field names, lower-cased once: a parsed name that matches one (any case) takes it instead of a new string. */

const NAMES = [
  "accept",
  "accept-encoding",
  "accept-language",
  "accept-ranges",
  "age",
  "authorization",
  "cache-control",
  "connection",
  "content-encoding",
  "content-length",
  "content-type",
  "cookie",
  "date",
  "etag",
  "expires",
  "host",
  "if-modified-since",
  "if-none-match",
  "keep-alive",
  "last-modified",
  "location",
  "origin",
  "pragma",
  "range",
  "referer",
  "server",
  "set-cookie",
  "te",
  "transfer-encoding",
  "upgrade",
  "user-agent",
  "vary",
  "via",
  "x-forwarded-for",
  "x-forwarded-proto",
  "x-request-id",
];

/** Names by length (index), each list sorted as above. */
const BY_LENGTH: string[][] = [];
for (const n of NAMES) (BY_LENGTH[n.length] ??= []).push(n);

/** The lower-case name s[a, e) when it is a common one (in any case), else null. s[a, e) is a token. */
export function commonName(s: string, a: number, e: number): string | null {
  const list = BY_LENGTH[e - a];
  if (list === undefined) return null;
  const first = s.charCodeAt(a) | 0x20;
  for (let j = 0; j < list.length; j++) {
    const n = list[j]!;
    if (n.charCodeAt(0) === first && sameLetters(s, a, n)) return n;
  }
  return null;
}

/** Whether s from `a` is `n` with letters in any case (`n` is lower-case; only letters may differ). */
function sameLetters(s: string, a: number, n: string): boolean {
  for (let k = 1; k < n.length; k++) {
    const c = n.charCodeAt(k), x = s.charCodeAt(a + k);
    if (x !== c && !(c >= 0x61 && c <= 0x7a && x === c - 0x20)) return false;
  }
  return true;
}
