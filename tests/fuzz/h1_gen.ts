/**
 * HTTP/1 cases: a request of the malformed/smuggling corpus (tests/unit/http1/corpus.ts), mutated by
 * bytes, header duplication, Content-Length/Transfer-Encoding combinations, chunk-size games,
 * obs-fold, bare CR/LF, case changes and pipelining, then cut into random chunks.
 */
import { corpus } from "../unit/http1/corpus.ts";
import { chunkRandomly, mutateBytes } from "./mutate.ts";
import { Rng } from "./rng.ts";

const FRAMING = [
  "Content-Length: 5",
  "Content-Length: 0",
  "Content-Length: 6",
  "Content-Length: 5, 5",
  "Content-Length: +5",
  "Content-Length: 05",
  "Content-Length: 99999999999999999999",
  "Content-Length:5",
  "Content-Length : 5",
  "Transfer-Encoding: chunked",
  "Transfer-Encoding: Chunked",
  "Transfer-Encoding: chunked, identity",
  "Transfer-Encoding: identity, chunked",
  "Transfer-Encoding: gzip",
  "Transfer-Encoding:\tchunked",
  "Transfer-Encoding: chunked\t",
  'Transfer-Encoding: "chunked"',
  "Transfer-Encoding : chunked",
  "Transfer_Encoding: chunked",
  " Transfer-Encoding: chunked",
  "Transfer-Encoding: x\r\n chunked",
  "Connection: close",
  "Connection: keep-alive, Upgrade",
  "Upgrade: h2c",
  "Expect: 100-continue",
  "Host: b",
  "Host: a:99999",
];
const CHUNK_SIZES = [
  "5",
  "05",
  "0x5",
  "5 ",
  " 5",
  "5;a=b",
  "5;",
  "-5",
  "+5",
  "fffffffffffffffff",
  "0",
  "00",
  "a",
  "5\t",
  "5\r",
];
const TAILS = [
  "5\r\nhello\r\n0\r\n\r\n",
  "hello",
  "0\r\n\r\n",
  "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n",
];

function latin1(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
}

function text(b: Uint8Array): string {
  let s = "";
  for (const c of b) s += String.fromCharCode(c);
  return s;
}

/** One text-level mutation aimed at HTTP/1 framing. */
function mutateText(rng: Rng, raw: string): string {
  const headEnd = raw.indexOf("\r\n\r\n");
  const head = headEnd < 0 ? raw : raw.slice(0, headEnd);
  const rest = headEnd < 0 ? "" : raw.slice(headEnd);
  const lines = head.split("\r\n");
  const at = lines.length > 1 ? rng.range(1, lines.length - 1) : 0;
  switch (rng.int(9)) {
    case 0: // duplicate a header line
      if (lines.length > 1) lines.splice(rng.range(1, lines.length), 0, lines[at]!);
      return lines.join("\r\n") + rest;
    case 1: // add a framing field
      lines.splice(rng.range(1, lines.length), 0, rng.pick(FRAMING));
      return lines.join("\r\n") + rest;
    case 2: { // chunk-size games on the body
      const body = rest.slice(4);
      const m = /^[0-9a-fA-F]+/.exec(body);
      if (m) return head + "\r\n\r\n" + rng.pick(CHUNK_SIZES) + body.slice(m[0].length);
      return head + "\r\n\r\n" + rng.pick(CHUNK_SIZES) + "\r\nhello\r\n0\r\n\r\n";
    }
    case 3: // obs-fold
      if (lines.length > 1) {
        lines[at] = lines[at]! + "\r\n" + rng.pick([" ", "\t"]) + rng.pick(["x", "chunked", ""]);
      }
      return lines.join("\r\n") + rest;
    case 4: { // bare CR or LF in place of a CRLF
      const crlfs = [...raw.matchAll(/\r\n/g)].map((m) => m.index);
      if (crlfs.length === 0) return raw;
      const i = rng.pick(crlfs);
      return raw.slice(0, i) + rng.pick(["\n", "\r", "\r\r\n", "\n\r"]) + raw.slice(i + 2);
    }
    case 5: // case changes in names
      if (lines.length > 1) {
        lines[at] = rng.chance(0.5) ? lines[at]!.toUpperCase() : lines[at]!.toLowerCase();
      }
      return lines.join("\r\n") + rest;
    case 6: // a body tail after the head
      return head + "\r\n\r\n" + rng.pick(TAILS);
    case 7: // pipelining: another corpus request after this one
      return raw + rng.pick(corpus).raw;
    default: // drop a header line
      if (lines.length > 1) lines.splice(at, 1);
      return lines.join("\r\n") + rest;
  }
}

/** The raw bytes of one h1 case, from its seed (before chunking). */
export function h1Bytes(seed: number): Uint8Array {
  const rng = new Rng(seed);
  let raw = rng.pick(corpus).raw;
  const textMutations = rng.chance(0.1) ? 0 : rng.range(1, 4);
  for (let m = 0; m < textMutations; m++) raw = mutateText(rng, raw);
  let bytes = latin1(raw);
  const byteMutations = rng.chance(0.5) ? 0 : rng.range(1, 3);
  const other = latin1(rng.pick(corpus).raw);
  for (let m = 0; m < byteMutations; m++) bytes = mutateBytes(rng, bytes, other);
  return bytes;
}

/** The chunks of one h1 case, from its seed. */
export function h1Case(seed: number): Uint8Array[] {
  const bytes = h1Bytes(seed);
  return chunkRandomly(new Rng(seed ^ 0x27d4eb2f), bytes);
}

export { latin1, text };
