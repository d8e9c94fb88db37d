/** A raw HTTP/2 client over a real socket, for end-to-end tests: frames in, frames out, the GOAWAY/RST codes and statuses read back. */
import net from "node:net";
import { CLIENT_PREFACE, FRAME, type RawFrame } from "../../../src/h2/frame.ts";
import { FrameReader } from "../../../src/h2/frame_reader.ts";
import { encodeHeaders, encodeSettings } from "../../../src/h2/frame_writer.ts";
import { HpackDecoder } from "../../../src/h2/hpack_decoder.ts";
import { HpackEncoder } from "../../../src/h2/hpack_encoder.ts";
import { sleep } from "./net.ts";

export const GET: [string, string][] = [
  [":method", "GET"],
  [":scheme", "http"],
  [":path", "/"],
  [":authority", "localhost"],
];

/** One connection to the proxy, reading every frame it writes. */
export class RawH2 {
  readonly sock: net.Socket;
  readonly frames: RawFrame[] = [];
  readonly encoder = new HpackEncoder();
  readonly decoder = new HpackDecoder(4096, 1 << 20);
  /** Decoded response field sections by stream id (HEADERS frames carrying END_HEADERS only). */
  readonly heads = new Map<number, [string, string][]>();
  closed = false;
  #reader = new FrameReader(1 << 24);

  private constructor(sock: net.Socket) {
    this.sock = sock;
    sock.on("data", (d: Buffer) => {
      this.#reader.push(new Uint8Array(d), (f) => {
        const copy = { ...f, payload: f.payload.slice() };
        this.frames.push(copy);
        if (f.type === FRAME.HEADERS && (f.flags & 0x4) !== 0) {
          const pad = (f.flags & 0x8) !== 0 ? copy.payload[0]! + 1 : 0;
          const prio = (f.flags & 0x20) !== 0 ? 5 : 0;
          const block = copy.payload.subarray(
            (pad ? 1 : 0) + prio,
            copy.payload.length - (pad ? pad - 1 : 0),
          );
          const fields = this.decoder.decode(block).headers.map((h) =>
            [h.name, h.value] as [string, string]
          );
          if (!this.heads.has(f.streamId)) this.heads.set(f.streamId, fields);
        }
      });
    });
    sock.on("close", () => (this.closed = true));
    sock.on("error", () => {});
  }

  /** Connects; with `handshake`, sends the preface, an empty SETTINGS and the ACK of the proxy's. */
  static async open(port: number, handshake = true): Promise<RawH2> {
    const sock = net.connect({ host: "127.0.0.1", port });
    await new Promise<void>((res, rej) => {
      sock.once("connect", res);
      sock.once("error", rej);
    });
    const c = new RawH2(sock);
    if (handshake) c.send(CLIENT_PREFACE, encodeSettings([]), encodeSettings([], true));
    return c;
  }

  send(...chunks: Uint8Array[]): this {
    if (!this.sock.destroyed) { for (const c of chunks) this.sock.write(c); }
    return this;
  }

  block(fields: [string, string][]): Uint8Array {
    return this.encoder.encode(fields.map(([name, value]) => ({ name, value })));
  }

  headers(streamId: number, fields: [string, string][] = GET, endStream = true): Uint8Array {
    return encodeHeaders(streamId, this.block(fields), { endStream });
  }

  /** The code of the GOAWAY received, or null. */
  goaway(): number | null {
    const g = this.frames.find((f) => f.type === FRAME.GOAWAY);
    return g ? new DataView(g.payload.buffer, g.payload.byteOffset).getUint32(4) : null;
  }

  /** The code of the last RST_STREAM received on `streamId`, or null. */
  rst(streamId: number): number | null {
    const r = this.frames.findLast((f) => f.type === FRAME.RST_STREAM && f.streamId === streamId);
    return r ? new DataView(r.payload.buffer, r.payload.byteOffset).getUint32(0) : null;
  }

  /** The :status of the response on `streamId`, or null. */
  status(streamId: number): string | null {
    return this.heads.get(streamId)?.find(([n]) => n === ":status")?.[1] ?? null;
  }

  /** Waits until `cond` holds or `ms` passed; returns whether it held. */
  async until(cond: () => boolean, ms = 3000): Promise<boolean> {
    const end = Date.now() + ms;
    for (let i = 0; i < 10_000 && Date.now() < end; i++) {
      if (cond()) return true;
      await sleep(10);
    }
    return cond();
  }

  close(): void {
    this.sock.destroy();
  }
}
