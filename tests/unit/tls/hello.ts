/** Test ClientHellos: genuine ones captured from node:tls, and hand-built ones for edge cases. */
import { Buffer } from "node:buffer";
import { Duplex } from "node:stream";
import tls from "node:tls";

/**
 * The first bytes a node:tls client writes (its ClientHello), captured through a Duplex that
 * never answers; works under Deno and Bun (each with its own TLS library).
 */
export function captureHello(options: tls.ConnectionOptions): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    const wire = new Duplex({
      read() {},
      write(chunk: Uint8Array, _enc, cb) {
        chunks.push(new Uint8Array(chunk));
        cb();
        // The hello is written in one go; let any same-tick write land, then stop.
        if (chunks.length === 1) setTimeout(() => finish(), 20);
      },
    });
    const client = tls.connect({ ...options, socket: wire });
    client.on("error", () => {});
    const timer = setTimeout(() => finish(new Error("no ClientHello written within 5 s")), 5000);
    function finish(err?: Error): void {
      clearTimeout(timer);
      client.destroy();
      wire.destroy();
      if (err) reject(err);
      else resolve(new Uint8Array(Buffer.concat(chunks)));
    }
  });
}

const u16 = (n: number) => [n >> 8 & 0xff, n & 0xff];
const u24 = (n: number) => [n >> 16 & 0xff, n >> 8 & 0xff, n & 0xff];
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** One extension: type, then its data with a 16-bit length. */
export function ext(type: number, data: number[]): number[] {
  return [...u16(type), ...u16(data.length), ...data];
}

export function sniExt(...names: string[]): number[] {
  const list = names.flatMap((n) => [0, ...u16(n.length), ...ascii(n)]);
  return ext(0, [...u16(list.length), ...list]);
}

export function alpnExt(...names: string[]): number[] {
  const list = names.flatMap((n) => [n.length, ...ascii(n)]);
  return ext(16, [...u16(list.length), ...list]);
}

export function versionsExt(...versions: number[]): number[] {
  return ext(43, [versions.length * 2, ...versions.flatMap(u16)]);
}

export interface HelloParts {
  recordVersion?: number;
  helloVersion?: number;
  sessionId?: number;
  /** The extensions, concatenated; undefined for a hello without an extensions block. */
  exts?: number[];
}

/** A ClientHello handshake message (header included), not yet in a record. */
export function helloMessage(p: HelloParts = {}): number[] {
  const body = [
    ...u16(p.helloVersion ?? 0x0303),
    ...new Array(32).fill(7),
    p.sessionId ?? 0,
    ...new Array(p.sessionId ?? 0).fill(9),
    ...u16(4),
    0x13,
    0x01,
    0xc0,
    0x2f,
    1,
    0,
    ...(p.exts === undefined ? [] : [...u16(p.exts.length), ...p.exts]),
  ];
  return [1, ...u24(body.length), ...body];
}

/** Handshake bytes wrapped in TLS records of at most `fragment` bytes each. */
export function records(message: number[], fragment = 1 << 14, version = 0x0301): Uint8Array {
  const out: number[] = [];
  for (let at = 0; at < message.length; at += fragment) {
    const part = message.slice(at, at + fragment);
    out.push(0x16, ...u16(version), ...u16(part.length), ...part);
  }
  return Uint8Array.from(out);
}

/** A ClientHello in one record. */
export function hello(p: HelloParts = {}): Uint8Array {
  return records(helloMessage(p), 1 << 14, p.recordVersion ?? 0x0301);
}
