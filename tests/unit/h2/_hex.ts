/** Hex helpers for the HTTP/2 unit tests. */

/** Bytes of a hex string (spaces ignored). */
export function hex(s: string): Uint8Array {
  const t = s.replace(/\s+/g, "");
  const out = new Uint8Array(t.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(t.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Lower-case hex of bytes. */
export function toHex(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
}

/** Latin1 bytes of a string. */
export function latin1(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}
