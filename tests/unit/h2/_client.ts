/** A scripted HTTP/2 client for unit tests: drives an H2Connection with raw frames and reads back what it wrote. */
import { H2Connection } from "../../../src/h2/connection.ts";
import type { H2Event } from "../../../src/h2/events.ts";
import { CLIENT_PREFACE, FRAME, type RawFrame } from "../../../src/h2/frame.ts";
import { FrameReader } from "../../../src/h2/frame_reader.ts";
import { encodeHeaders, encodeSettings } from "../../../src/h2/frame_writer.ts";
import { HpackEncoder } from "../../../src/h2/hpack_encoder.ts";
import { DEFAULT_H2_LIMITS, type H2Limits } from "../../../src/h2/limits.ts";

/** A frame as the test sees it (payload copied). */
export type Frame = RawFrame;

export const GET: [string, string][] = [
  [":method", "GET"],
  [":scheme", "https"],
  [":path", "/"],
  [":authority", "example.com"],
];

/** One connection under test, its events, and the frames it wrote. */
export class TestClient {
  readonly conn: H2Connection;
  readonly events: H2Event[] = [];
  readonly written: Frame[] = [];
  readonly encoder = new HpackEncoder();
  #reader = new FrameReader(1 << 24);

  constructor(limits: Partial<H2Limits> = {}) {
    this.conn = new H2Connection({ ...DEFAULT_H2_LIMITS, ...limits }, (e) => this.events.push(e));
  }

  /** Preface and an empty SETTINGS (and the ACK of ours unless `ack` is false); the server's first frames are read. */
  static open(limits: Partial<H2Limits> = {}, ack = true): TestClient {
    const c = new TestClient(limits);
    c.send(CLIENT_PREFACE, encodeSettings([]));
    if (ack) c.send(encodeSettings([], true));
    c.written.length = 0;
    return c;
  }

  /** Feeds bytes to the connection and collects what it writes. */
  send(...chunks: Uint8Array[]): this {
    for (const chunk of chunks) this.conn.receive(chunk);
    this.drain();
    return this;
  }

  drain(): void {
    const out = this.conn.takeOutput();
    if (out) {
      this.#reader.push(out, (f) => this.written.push({ ...f, payload: f.payload.slice() }));
    }
  }

  /** A header block for `fields`, encoded with this client's table. */
  block(fields: [string, string][]): Uint8Array {
    return this.encoder.encode(fields.map(([name, value]) => ({ name, value })));
  }

  /** HEADERS carrying `fields` on `streamId`. */
  headers(streamId: number, fields: [string, string][] = GET, endStream = true): Uint8Array {
    return encodeHeaders(streamId, this.block(fields), { endStream });
  }

  /** The code of the GOAWAY written, or null. */
  goaway(): number | null {
    const g = this.written.find((f) => f.type === FRAME.GOAWAY);
    if (!g) return null;
    return new DataView(g.payload.buffer, g.payload.byteOffset).getUint32(4);
  }

  /** The code of the last RST_STREAM written on `streamId`, or null. */
  rst(streamId: number): number | null {
    const r = this.written.findLast((f) => f.type === FRAME.RST_STREAM && f.streamId === streamId);
    if (!r) return null;
    return new DataView(r.payload.buffer, r.payload.byteOffset).getUint32(0);
  }
}
