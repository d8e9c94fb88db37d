/**
 * HTTP/2 cases: a valid client frame sequence (preface, SETTINGS, streams of HEADERS/CONTINUATION/
 * DATA/trailers, PING, PRIORITY, WINDOW_UPDATE, RST_STREAM, GOAWAY) built from a seed, then mutated
 * per frame (bit flips, length fields, type/flags/stream id, truncation, duplication, reordering,
 * splicing another sequence) and per byte, and cut into random chunks.
 */
import { CLIENT_PREFACE, FRAME, SETTING, type Setting } from "../../src/h2/frame.ts";
import {
  encodeContinuation,
  encodeData,
  encodeFrame,
  encodeGoaway,
  encodeHeaders,
  encodePing,
  encodePriority,
  encodeRstStream,
  encodeSettings,
  encodeWindowUpdate,
} from "../../src/h2/frame_writer.ts";
import { type FieldToEncode, HpackEncoder } from "../../src/h2/hpack_encoder.ts";
import { chunkRandomly, concat, mutateBytes } from "./mutate.ts";
import { Rng } from "./rng.ts";

const METHODS = ["GET", "GET", "POST", "PUT", "HEAD", "OPTIONS", "DELETE", "CONNECT", "G T"];
const PATHS = ["/", "/a?b=c", "/x/../y", "*", "", "//", "/%00", "/a b", "http://x/"];
const EVIL: [string, string][] = [
  ["connection", "keep-alive"],
  ["transfer-encoding", "chunked"],
  ["te", "gzip"],
  ["Upper", "case"],
  ["x-crlf", "a\r\nGET /smuggled HTTP/1.1\r\nhost: x"],
  ["x-lf", "a\nb"],
  ["x-nul", "a\0b"],
  ["", "empty-name"],
  ["host", "other.example"],
  ["content-length", "1, 2"],
  ["content-length", "-1"],
  [":path", "/again"],
  [":status", "200"],
  ["x-sp ", "v"],
  ["x-v", " leading"],
  ["cookie", "a=1"],
  ["cookie", "b=2"],
  ["upgrade", "websocket"],
  ["keep-alive", "1"],
  ["proxy-connection", "x"],
];

/** One stream's request: fields, body, trailers. */
function request(
  rng: Rng,
): { fields: FieldToEncode[]; body: Uint8Array; trailers: FieldToEncode[] | null } {
  const method = rng.chance(0.85) ? rng.pick(METHODS.slice(0, 4)) : rng.pick(METHODS);
  const hasBody = method === "POST" || method === "PUT" || rng.chance(0.1);
  const body = hasBody
    ? rng.bytes(rng.pick([0, 1, 5, 100, 1000, 17000, 70000]))
    : new Uint8Array(0);
  const f: FieldToEncode[] = [];
  const pseudo: FieldToEncode[] = [
    { name: ":method", value: method },
    { name: ":scheme", value: rng.chance(0.9) ? "http" : rng.pick(["https", "ftp", ""]) },
    { name: ":path", value: rng.chance(0.8) ? rng.pick(PATHS.slice(0, 2)) : rng.pick(PATHS) },
    { name: ":authority", value: rng.chance(0.9) ? "localhost" : rng.pick(["a:80", "", "x y"]) },
  ];
  if (rng.chance(0.05)) pseudo.splice(rng.int(pseudo.length), 1);
  if (pseudo.length === 4 && rng.chance(0.05)) [pseudo[0], pseudo[3]] = [pseudo[3]!, pseudo[0]!];
  f.push(...pseudo);
  f.push({ name: "user-agent", value: "fuzz" }, { name: "accept", value: "*/*" });
  if (hasBody && rng.chance(0.7)) {
    const cl = rng.chance(0.85) ? body.length : body.length + rng.pick([-1, 1, 1000]);
    f.push({ name: "content-length", value: String(cl) });
  }
  if (rng.chance(0.2)) {
    f.push({ name: "x-big", value: "v".repeat(rng.pick([100, 4000, 20000, 70000])) });
  }
  for (let n = rng.chance(0.3) ? rng.range(1, 3) : 0; n > 0; n--) {
    const [name, value] = rng.pick(EVIL);
    f.splice(rng.range(rng.chance(0.8) ? 4 : 0, f.length), 0, { name, value });
  }
  const trailers = hasBody && rng.chance(0.15)
    ? [
      { name: "x-trailer", value: "t" },
      ...(rng.chance(0.2) ? [{ name: ":path", value: "/" }] : []),
    ]
    : null;
  return { fields: f, body, trailers };
}

/** A header block as HEADERS (+ CONTINUATION), maybe padded and with a priority. */
function headerFrames(rng: Rng, id: number, block: Uint8Array, endStream: boolean): Uint8Array[] {
  const split = rng.chance(0.2) && block.length > 1;
  const cut = split ? rng.range(1, block.length - 1) : block.length;
  const maxFrag = 16384;
  const first = block.subarray(0, Math.min(cut, maxFrag));
  const frames = [
    encodeHeaders(id, first, {
      endStream,
      endHeaders: first.length === block.length,
      ...(rng.chance(0.1) ? { padLength: rng.int(256) } : {}),
      ...(rng.chance(0.1)
        ? {
          priority: {
            dependsOn: rng.pick([0, id - 2, id]) & 0x7fffffff,
            exclusive: rng.chance(0.5),
            weight: rng.range(1, 256),
          },
        }
        : {}),
    }),
  ];
  for (let o = first.length; o < block.length;) {
    const n = Math.min(maxFrag, split ? rng.range(1, block.length - o) : block.length - o);
    frames.push(encodeContinuation(id, block.subarray(o, o + n), o + n === block.length));
    o += n;
  }
  return frames;
}

/** A valid-looking sequence of client frames, one Uint8Array per frame (the preface first). */
export function validH2Frames(rng: Rng): Uint8Array[] {
  const frames: Uint8Array[] = [CLIENT_PREFACE];
  const settings: Setting[] = [];
  if (rng.chance(0.5)) {
    settings.push({
      id: SETTING.INITIAL_WINDOW_SIZE,
      value: rng.pick([0, 1, 65535, 1 << 20, 0x7fffffff]),
    });
  }
  if (rng.chance(0.3)) {
    settings.push({ id: SETTING.MAX_FRAME_SIZE, value: rng.pick([16384, 65536, 16777215]) });
  }
  if (rng.chance(0.3)) {
    settings.push({ id: SETTING.HEADER_TABLE_SIZE, value: rng.pick([0, 100, 4096, 65536]) });
  }
  if (rng.chance(0.2)) settings.push({ id: SETTING.ENABLE_PUSH, value: 0 });
  frames.push(encodeSettings(settings));
  if (rng.chance(0.7)) frames.push(encodeSettings([], true));
  if (rng.chance(0.3)) frames.push(encodeWindowUpdate(0, rng.range(1, 1 << 24)));
  const enc = new HpackEncoder(4096, { huffman: rng.chance(0.5) ? "shorter" : "never" });
  const streams = rng.chance(0.1) ? rng.range(5, 40) : rng.range(1, 4);
  let id = 1;
  for (let s = 0; s < streams; s++, id += 2) {
    const r = request(rng);
    const bodyLater = r.body.length > 0 || r.trailers !== null;
    frames.push(...headerFrames(rng, id, enc.encode(r.fields), !bodyLater));
    for (let o = 0; o < r.body.length;) {
      const n = Math.min(r.body.length - o, rng.pick([1, 100, 16384]));
      const last = o + n === r.body.length && r.trailers === null;
      frames.push(
        encodeData(id, r.body.subarray(o, o + n), last, rng.chance(0.1) ? rng.int(256) : undefined),
      );
      o += n;
    }
    if (r.body.length === 0 && r.trailers === null && bodyLater) {
      frames.push(encodeData(id, new Uint8Array(0), true));
    }
    if (r.trailers) frames.push(...headerFrames(rng, id, enc.encode(r.trailers), true));
    if (rng.chance(0.1)) frames.push(encodePing(rng.bytes(8)));
    if (rng.chance(0.1)) {
      frames.push(encodeWindowUpdate(rng.chance(0.5) ? 0 : id, rng.range(1, 1 << 20)));
    }
    if (rng.chance(0.05)) {
      frames.push(encodePriority(id + 2, { dependsOn: id, exclusive: false, weight: 16 }));
    }
    if (rng.chance(0.08)) frames.push(encodeRstStream(id, rng.pick([0, 1, 8])));
  }
  if (rng.chance(0.05)) frames.push(encodeFrame(0xfa, 0, 0, rng.bytes(rng.int(20)))); // extension frame
  if (rng.chance(0.2)) frames.push(encodeGoaway(id - 2, 0, "bye"));
  return frames;
}

/** One frame-level mutation of a sequence (index 0, the preface, is mutated less often). */
function mutateFrames(rng: Rng, frames: Uint8Array[], other: Uint8Array[]): void {
  if (frames.length === 0) { // every frame deleted: start again from the preface
    frames.push(CLIENT_PREFACE);
    return;
  }
  const i = frames.length > 1 && rng.chance(0.97) ? rng.range(1, frames.length - 1) : 0;
  const f = frames[i]!.slice();
  switch (rng.int(9)) {
    case 0: // length field
      if (i > 0) {
        const len = rng.pick([
          0,
          1,
          4,
          5,
          8,
          f.length - 8,
          f.length - 10,
          16384,
          16385,
          0xffffff,
          rng.int(1 << 24),
        ]);
        f[0] = (len >>> 16) & 0xff, f[1] = (len >>> 8) & 0xff, f[2] = len & 0xff;
      }
      break;
    case 1: // type
      if (i > 0) f[3] = rng.chance(0.8) ? rng.int(10) : rng.int(256);
      break;
    case 2: // flags
      if (i > 0) f[4]! ^= 1 << rng.int(8);
      break;
    case 3: // stream id
      if (i > 0) f[8] = rng.pick([0, 1, 2, 3, 5, 101, 255]), f[5] = rng.chance(0.1) ? 0x80 : f[5]!;
      break;
    case 4: // duplicate
      frames.splice(i, 0, f);
      return;
    case 5: // delete
      frames.splice(i, 1);
      return;
    case 6: { // move
      const [g] = frames.splice(i, 1);
      frames.splice(rng.range(1, frames.length), 0, g!);
      return;
    }
    case 7: // a frame from another sequence (another HPACK context)
      if (other.length > 1) frames.splice(i, 0, other[rng.range(1, other.length - 1)]!);
      return;
    default:
      frames[i] = mutateBytes(rng, f);
      return;
  }
  frames[i] = f;
}

/** The chunks of one h2 case, from its seed. */
export function h2Case(seed: number): Uint8Array[] {
  const rng = new Rng(seed);
  const frames = validH2Frames(rng);
  const mutations = rng.chance(0.25) ? 0 : rng.range(1, rng.chance(0.2) ? 8 : 2);
  const other = mutations > 0 ? validH2Frames(new Rng(seed ^ 0x5bd1e995)) : [];
  for (let m = 0; m < mutations; m++) mutateFrames(rng, frames, other);
  let bytes = concat(frames);
  if (mutations > 0 && rng.chance(0.15)) bytes = mutateBytes(rng, bytes, concat(other));
  return chunkRandomly(rng, bytes);
}

/** A HEADERS frame count (lenient scan of the client bytes): no more requests than this may reach the origin. */
export function headersFramesIn(bytes: Uint8Array): number {
  let i = CLIENT_PREFACE.length, n = 0;
  while (i + 9 <= bytes.length) {
    const len = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    if (bytes[i + 3] === FRAME.HEADERS) n++;
    i += 9 + len;
  }
  return n;
}
