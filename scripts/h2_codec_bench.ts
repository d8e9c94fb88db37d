/**
 * The HTTP/2 codec alone, per request, without sockets: 10 requests in one chunk (h2load-like
 * indexed fields) read by a server-role H2Connection, each turned into the neutral head and answered
 * (nginx-like head, 12-byte body, end), the output taken once per 10.
 *   deno run -A scripts/h2_codec_bench.ts [TREE] [ROUNDS]   (or bun scripts/h2_codec_bench.ts ...)
 * TREE: another checkout to measure (its src/h2/ is imported), for before/after comparisons.
 */
import process from "node:process";

const tree = process.argv[2] ?? new URL("..", import.meta.url).pathname;
const rounds = Number(process.argv[3] ?? 20000);
const { H2Connection } = await import(`${tree}/src/h2/connection.ts`);
const { DEFAULT_H2_LIMITS } = await import(`${tree}/src/h2/limits.ts`);
const { CLIENT_PREFACE } = await import(`${tree}/src/h2/frame.ts`);
const { encodeHeaders, encodeSettings, encodeWindowUpdate } = await import(
  `${tree}/src/h2/frame_writer.ts`
);
const { HpackEncoder } = await import(`${tree}/src/h2/hpack_encoder.ts`);
const { responseFields, toRequestHead } = await import(`${tree}/src/h2/to_message.ts`);

type Event = { type: string; streamId: number; request: unknown; headers: unknown };
let events: Event[] = [];
const conn = new H2Connection(
  { ...DEFAULT_H2_LIMITS, maxConcurrentStreams: 1000 },
  (e: Event) => events.push(e),
);
conn.receive(CLIENT_PREFACE);
conn.receive(encodeSettings([]));
conn.receive(encodeSettings([], true));
conn.receive(encodeWindowUpdate(0, 0x7fffffff - 65535)); // the client never runs out of window
conn.takeOutput();
const enc = new HpackEncoder();
const reqFields = [
  [":method", "GET"],
  [":path", "/small"],
  [":scheme", "http"],
  [":authority", "127.0.0.1:8443"],
  ["user-agent", "h2load nghttp2/1.52.0"],
].map(([name, value]) => ({ name: name!, value: value! }));
const field = (name: string, value: string) => ({ name, lname: name.toLowerCase(), value });
const res = {
  kind: "response",
  minor: 1,
  status: 200,
  reason: "OK",
  headLength: 150,
  headers: [
    field("Server", "nginx/1.22.1"),
    field("Date", "Mon, 07 Dec 2026 12:00:00 GMT"),
    field("Content-Type", "text/plain"),
    field("Content-Length", "12"),
    field("Connection", "keep-alive"),
  ],
};
const body = new TextEncoder().encode("hello world\n");
const EMPTY = new Uint8Array(0);

// the first request fills both HPACK tables; later blocks are indexed fields only
conn.receive(encodeHeaders(1, enc.encode(reqFields), { endStream: true }));
conn.respond(1, responseFields(res), true);
conn.takeOutput();
const block: Uint8Array = enc.encode(reqFields);
const frameLength = 9 + block.length;
const chunk = new Uint8Array(frameLength * 10);
let id = 3, bytes = 0;

function round(n: number): void {
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < 10; j++) {
      chunk.set(encodeHeaders(id + 2 * j, block, { endStream: true }), j * frameLength);
    }
    events = [];
    conn.receive(chunk);
    for (const e of events) {
      if (e.type !== "headers") throw new Error(`unexpected ${e.type} event`);
      toRequestHead(e.request, e.headers);
      conn.respond(e.streamId, responseFields(res), false);
      conn.sendData(e.streamId, body, false);
      conn.sendData(e.streamId, EMPTY, true);
    }
    bytes += conn.takeOutput()?.length ?? 0;
    id += 20;
  }
}

round(2000); // warm-up
bytes = 0;
const t0 = performance.now();
round(rounds);
const us = ((performance.now() - t0) * 1000) / (rounds * 10);
console.log(
  `${us.toFixed(2)} µs per request (codec in and out), ${
    (bytes / (rounds * 10)).toFixed(1)
  } bytes written per request`,
);
