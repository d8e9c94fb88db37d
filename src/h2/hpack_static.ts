/** HPACK's static table (RFC 7541 Appendix A) and the encoder's lookups into it. */

/** Entries 1..61 as [name, value]; index 0 is unused. */
export const STATIC_TABLE: readonly (readonly [string, string])[] = [
  ["", ""],
  [":authority", ""],
  [":method", "GET"],
  [":method", "POST"],
  [":path", "/"],
  [":path", "/index.html"],
  [":scheme", "http"],
  [":scheme", "https"],
  [":status", "200"],
  [":status", "204"],
  [":status", "206"],
  [":status", "304"],
  [":status", "400"],
  [":status", "404"],
  [":status", "500"],
  ["accept-charset", ""],
  ["accept-encoding", "gzip, deflate"],
  ["accept-language", ""],
  ["accept-ranges", ""],
  ["accept", ""],
  ["access-control-allow-origin", ""],
  ["age", ""],
  ["allow", ""],
  ["authorization", ""],
  ["cache-control", ""],
  ["content-disposition", ""],
  ["content-encoding", ""],
  ["content-language", ""],
  ["content-length", ""],
  ["content-location", ""],
  ["content-range", ""],
  ["content-type", ""],
  ["cookie", ""],
  ["date", ""],
  ["etag", ""],
  ["expect", ""],
  ["expires", ""],
  ["from", ""],
  ["host", ""],
  ["if-match", ""],
  ["if-modified-since", ""],
  ["if-none-match", ""],
  ["if-range", ""],
  ["if-unmodified-since", ""],
  ["last-modified", ""],
  ["link", ""],
  ["location", ""],
  ["max-forwards", ""],
  ["proxy-authenticate", ""],
  ["proxy-authorization", ""],
  ["range", ""],
  ["referer", ""],
  ["refresh", ""],
  ["retry-after", ""],
  ["server", ""],
  ["set-cookie", ""],
  ["strict-transport-security", ""],
  ["transfer-encoding", ""],
  ["user-agent", ""],
  ["vary", ""],
  ["via", ""],
  ["www-authenticate", ""],
];

/** Number of static entries; dynamic indices start after it. */
export const STATIC_COUNT = STATIC_TABLE.length - 1;

/** The first static index of each name. */
export const STATIC_NAME_INDEX: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  for (let i = STATIC_COUNT; i >= 1; i--) m.set(STATIC_TABLE[i]![0], i);
  return m;
})();

/** The static index of each (name, value) pair that has a value, by name then value (no key string to build per lookup). */
export const STATIC_PAIRS: ReadonlyMap<string, ReadonlyMap<string, number>> = (() => {
  const m = new Map<string, Map<string, number>>();
  for (let i = 1; i <= STATIC_COUNT; i++) {
    const [n, v] = STATIC_TABLE[i]!;
    if (v === "") continue;
    let values = m.get(n);
    if (values === undefined) m.set(n, values = new Map());
    values.set(v, i);
  }
  return m;
})();
