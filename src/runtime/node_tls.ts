/** A node:tls TLSSocket (Deno and Bun alike) behind the runtime's Socket interface, with its handshake facts. */
import { X509Certificate } from "node:crypto";
import type { TLSSocket } from "node:tls";
import { HIGH_WATER_MARK, type Socket, type SocketHandlers } from "./types.ts";
import { type TlsInfo, verifyCode } from "./tls_types.ts";

/** The TLS facts of a socket whose handshake is done; `askedCert`: the server side asked for one. */
export function tlsInfoOf(s: TLSSocket, askedCert: boolean): TlsInfo {
  const sni = (s as { servername?: unknown }).servername;
  const alpn = s.alpnProtocol;
  const info: {
    sni?: string;
    alpn?: string;
    protocol: string;
    cipher: string;
    clientCert?: TlsInfo["clientCert"];
  } = {
    protocol: s.getProtocol() ?? "",
    cipher: s.getCipher()?.name ?? "",
  };
  if (typeof sni === "string" && sni !== "") info.sni = sni;
  if (typeof alpn === "string" && alpn !== "") info.alpn = alpn;
  if (askedCert) {
    const peer = s.getPeerCertificate();
    const used = peer !== null && peer !== undefined && Object.keys(peer).length > 0;
    info.clientCert = {
      used,
      verify: used && !s.authorized ? verifyCode(s.authorizationError ?? "CERT_REJECTED") : 0,
      subjectDN: used && peer.raw ? oneLineDN(peer.raw) : undefined,
    };
  }
  return info;
}

/** A certificate's subject as OpenSSL's one-line form HAProxy prints: "/C=FR/O=Acme/CN=x". */
function oneLineDN(der: Uint8Array): string | undefined {
  try {
    return new X509Certificate(der).subject.split("\n").map((rdn) => `/${rdn}`).join("");
  } catch {
    return undefined;
  }
}

/** One TLS connection: node stream events turned into the Socket model (see types.ts). */
export class NodeTlsSocket implements Socket {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly tls: TlsInfo;
  #s: TLSSocket;
  #h: SocketHandlers | null = null;
  #pending = 0;
  #needDrain = false;
  #paused = false;
  #shutdownAsked = false;
  #endSeen = false;
  #closed = false;
  #error: Error | undefined;

  constructor(s: TLSSocket, info: TlsInfo) {
    this.#s = s;
    this.tls = info;
    this.remoteAddress = s.remoteAddress ?? "";
    this.remotePort = s.remotePort ?? 0;
    this.localAddress = s.localAddress ?? "";
    this.localPort = s.localPort ?? 0;
    s.on("error", (err: Error) => (this.#error ??= err));
    s.on("end", () => this.#onEnd());
    s.on("close", () => this.#onClosed());
  }

  get pending(): number {
    return this.#pending;
  }
  get closed(): boolean {
    return this.#closed;
  }

  setHandlers(handlers: SocketHandlers): void {
    const first = this.#h === null;
    this.#h = handlers;
    if (!first) return;
    this.#s.on("data", (chunk: Uint8Array) => this.#h!.data(chunk));
    if (this.#paused) this.#s.pause();
    else this.#s.resume();
  }

  #onEnd(): void {
    if (this.#endSeen || this.#closed) return;
    this.#endSeen = true;
    this.#h?.end();
  }

  #onClosed(): void {
    if (this.#closed) return;
    const error = this.#error;
    // one model for every stack: a FIN seen as a bare close is reported as end first
    if (!error && !this.#endSeen && this.#h) {
      this.#endSeen = true;
      this.#h.end();
      if (this.#closed) return;
    }
    this.#closed = true;
    this.#pending = 0;
    this.#h?.close(error);
  }

  write(chunk: Uint8Array): boolean {
    if (this.#closed || this.#shutdownAsked) return false;
    if (chunk.length === 0) return this.#pending < HIGH_WATER_MARK;
    const n = chunk.length;
    this.#pending += n;
    this.#s.write(chunk, () => this.#written(n));
    if (this.#pending >= HIGH_WATER_MARK) {
      this.#needDrain = true;
      return false;
    }
    return true;
  }

  /** A write was handed on: report drain once nothing is left after a full queue or a shutdown. */
  #written(n: number): void {
    if (this.#closed) return;
    this.#pending -= n;
    if (this.#pending > 0 || !this.#needDrain) return;
    this.#needDrain = false;
    this.#h?.drain();
  }

  pause(): void {
    this.#paused = true;
    if (this.#h) this.#s.pause();
  }

  resume(): void {
    this.#paused = false;
    if (this.#h) this.#s.resume();
  }

  shutdown(): void {
    if (this.#closed || this.#shutdownAsked) return;
    this.#shutdownAsked = true;
    if (this.#pending > 0) this.#needDrain = true; // report when the queue is flushed
    this.#s.end(); // close_notify and FIN after what is queued
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = 0;
    this.#h?.close();
    this.#s.destroy();
  }

  setNoDelay(on: boolean): void {
    try {
      this.#s.setNoDelay(on);
    } catch { /* the socket may already be gone */ }
  }
}
