/** The httplog line written straight into a byte buffer (UTF-8), the same text `httplog()` gives, without building strings. */
import { type AccessRecord, logDate } from "./access.ts";

/** Bytes a record's httplog line may take at most: 3 per char of its strings (UTF-8), plus the fixed parts and numbers. */
export function httplogBound(r: AccessRecord): number {
  return 3 * (r.clientIp.length + r.frontend.length + r.backend.length + r.server.length +
        r.termination.length + r.request.length) + 400;
}

let cachedSecond = -1;
let cachedDate = new Uint8Array(0);

/**
 * Writes `%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc
 * %sq/%bq %{+Q}r` at `o` in `out` (which has `httplogBound(r)` bytes free) and returns where it ends.
 */
export function httplogInto(r: AccessRecord, out: Uint8Array, o: number): number {
  o = str(out, o, r.clientIp);
  out[o++] = 0x3a; // :
  o = num(out, o, r.clientPort);
  out[o++] = 0x20;
  out[o++] = 0x5b; // [
  o = date(out, o, r.start);
  out[o++] = 0x5d; // ]
  out[o++] = 0x20;
  o = str(out, o, r.frontend);
  out[o++] = 0x20;
  o = str(out, o, r.backend);
  out[o++] = 0x2f; // /
  o = str(out, o, r.server);
  out[o++] = 0x20;
  o = nums(out, o, r.tr, r.tw, r.tc, r.tresp, r.ta, 0x2f);
  out[o++] = 0x20;
  o = num(out, o, r.status);
  out[o++] = 0x20;
  o = num(out, o, r.bytes);
  out[o++] = 0x20;
  out[o++] = 0x2d; // - -
  out[o++] = 0x20;
  out[o++] = 0x2d;
  out[o++] = 0x20;
  o = str(out, o, r.termination);
  out[o++] = 0x2d;
  out[o++] = 0x2d;
  out[o++] = 0x20;
  o = nums(out, o, r.actconn, r.feconn, r.beconn, r.srvconn, r.retries, 0x2f);
  out[o++] = 0x20;
  o = num(out, o, r.srvQueue);
  out[o++] = 0x2f;
  o = num(out, o, r.beQueue);
  out[o++] = 0x20;
  out[o++] = 0x22; // "
  o = str(out, o, r.request);
  out[o++] = 0x22;
  return o;
}

/** Five numbers joined by `sep`. */
function nums(
  out: Uint8Array,
  o: number,
  a: number,
  b: number,
  c: number,
  d: number,
  e: number,
  sep: number,
): number {
  o = num(out, o, a);
  out[o++] = sep;
  o = num(out, o, b);
  out[o++] = sep;
  o = num(out, o, c);
  out[o++] = sep;
  o = num(out, o, d);
  out[o++] = sep;
  return num(out, o, e);
}

/** An integer in decimal (a negative one with its sign; anything else as String() writes it). */
function num(out: Uint8Array, o: number, n: number): number {
  if (!Number.isSafeInteger(n)) return str(out, o, String(n));
  if (n < 0) {
    out[o++] = 0x2d;
    n = -n;
  }
  if (n < 10) {
    out[o++] = 0x30 + n;
    return o;
  }
  let digits = 1;
  for (let m = n; m >= 10; m = Math.floor(m / 10)) digits++;
  let i = o + digits;
  while (i > o) {
    out[--i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
  return o + digits;
}

/** `s` as UTF-8. */
function str(out: Uint8Array, o: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) out[o++] = c;
    else if (c < 0x800) {
      out[o++] = 0xc0 | (c >> 6);
      out[o++] = 0x80 | (c & 0x3f);
    } else {
      const next = s.charCodeAt(i + 1);
      if (c >= 0xd800 && c < 0xdc00 && next >= 0xdc00 && next < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        out[o++] = 0xf0 | (c >> 18);
        out[o++] = 0x80 | ((c >> 12) & 0x3f);
      } else {
        if (c >= 0xd800 && c < 0xe000) c = 0xfffd; // a lone surrogate, as TextEncoder writes it
        out[o++] = 0xe0 | (c >> 12);
      }
      out[o++] = 0x80 | ((c >> 6) & 0x3f);
      out[o++] = 0x80 | (c & 0x3f);
    }
  }
  return o;
}

/** `25/Nov/2026:10:00:00.123`: the part up to the second encoded once per second. */
function date(out: Uint8Array, o: number, ms: number): number {
  if (!Number.isSafeInteger(ms)) return str(out, o, logDate(ms));
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    const s = logDate(second * 1000);
    cachedDate = new TextEncoder().encode(s.slice(0, s.length - 3));
    cachedSecond = second;
  }
  out.set(cachedDate, o);
  o += cachedDate.length;
  const milli = ms - second * 1000;
  out[o++] = 0x30 + Math.floor(milli / 100);
  out[o++] = 0x30 + Math.floor(milli / 10) % 10;
  out[o++] = 0x30 + milli % 10;
  return o;
}
