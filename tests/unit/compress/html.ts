/** Test helper: deterministic HTML-like bytes, compressible about as well as real pages. */

const WORDS = [
  "proxy",
  "server",
  "backend",
  "frontend",
  "balance",
  "health",
  "check",
  "session",
  "cookie",
  "header",
  "request",
  "response",
  "stream",
  "channel",
  "listener",
  "timeout",
  "retry",
  "queue",
];
const TAGS = ["div", "span", "p", "a", "li", "td", "section", "article"];

/** `size` bytes of nested tags, attributes and words, varied by a PRNG seeded with `seed`. */
export function htmlLike(size: number, seed: number): Uint8Array {
  let a = seed >>> 0;
  const rnd = (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
  const parts: string[] = [];
  let len = 0;
  while (len < size) {
    const tag = TAGS[rnd(TAGS.length)]!;
    const words = Array.from({ length: 3 + rnd(9) }, () => WORDS[rnd(WORDS.length)]).join(" ");
    const s = `<${tag} class="c${rnd(40)}" id="n${rnd(500)}">${words} ${rnd(100)}</${tag}>\n`;
    parts.push(s);
    len += s.length;
  }
  return new TextEncoder().encode(parts.join("")).subarray(0, size);
}
