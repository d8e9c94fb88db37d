/** A node:tls TLSSocket (Deno and Bun alike), or a plain node:net socket, behind the runtime's Socket interface, with its handshake facts. */
import { createPrivateKey, X509Certificate } from "node:crypto";
import type { Socket as NetSocket } from "node:net";
import type { TLSSocket } from "node:tls";
import { HIGH_WATER_MARK, type Socket, type SocketHandlers } from "./types.ts";
import { type TlsCertificate, type TlsInfo, verifyCode } from "./tls_types.ts";

/** Throws, naming the certificate, when its PEM cannot be read or its key is not the leaf's. */
export function checkKeyPair(c: TlsCertificate): void {
  let ok: boolean;
  try {
    ok = new X509Certificate(c.cert).checkPrivateKey(createPrivateKey(c.key));
  } catch (err) {
    throw new Error(`certificate ${c.source}: ${(err as Error).message}`);
  }
  if (!ok) {
    throw new Error(`certificate ${c.source}: the private key does not match the certificate`);
  }
}

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

/** The two ends of a connection, as a node socket or a runtime Socket gives them. */
export interface Addresses {
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
  readonly localAddress?: string | undefined;
  readonly localPort?: number | undefined;
}

/** How a socket stops reading: node's pause(), or holding what arrives in the adapter (see {@link NodeTlsSocket}). */
export type PauseMode = "stream" | "hold";

/**
 * One TLS connection (or a plain node:net one, `info` undefined: a Deno process that adopted a
 * listening socket at an upgrade): node stream events turned into the Socket model (see types.ts).
 *
 * With pause mode "hold" (Deno), `pause()` never reaches the stream: bytes that arrive while paused
 * are held here and delivered on `resume()`. Deno's node:tls reads the whole socket into memory
 * even when paused, and after a pause/resume it can lose the peer's end of stream; holding costs
 * no more memory than it already spends and keeps the end.
 */
export class NodeTlsSocket implements Socket {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly tls: TlsInfo | undefined;
  #s: NetSocket;
  #h: SocketHandlers | null = null;
  #hold: boolean;
  /** Events held while paused (chunks in "hold" mode only), then "end" / "close" last. */
  #held: (Uint8Array | "end" | "close")[] = [];
  #pending = 0;
  #needDrain = false;
  #paused = false;
  #shutdownAsked = false;
  #endSeen = false;
  #closed = false;
  /** Inside a write's callback (the `drain` it reports). */
  #inWriteCallback = false;
  #error: Error | undefined;

  /** `addresses`: the connection's, when `s` runs over a stream that has none (SocketDuplex). */
  constructor(
    s: NetSocket,
    info: TlsInfo | undefined,
    pauseMode: PauseMode = "stream",
    addresses: Addresses = s,
  ) {
    this.#s = s;
    this.tls = info;
    this.#hold = pauseMode === "hold";
    this.remoteAddress = addresses.remoteAddress ?? "";
    this.remotePort = addresses.remotePort ?? 0;
    this.localAddress = addresses.localAddress ?? "";
    this.localPort = addresses.localPort ?? 0;
    s.on("error", (err: Error) => (this.#error ??= err));
    s.on("end", () => this.#event("end"));
    s.on("close", () => this.#event("close"));
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
    this.#s.on("data", (chunk: Uint8Array) => this.#event(chunk));
    if (this.#paused && !this.#hold) this.#s.pause();
    else this.#s.resume();
    if (!this.#paused) this.#release();
  }

  /**
   * A stream event: delivered now, or held while paused in hold mode (or before handlers). In
   * stream mode too, an end that comes while paused is held (and what follows it): a paused node
   * stream whose buffer is empty still emits `end`.
   */
  #event(e: Uint8Array | "end" | "close"): void {
    if (this.#closed) return;
    const holding = this.#paused && (this.#hold || e === "end");
    if (this.#h === null || holding || this.#held.length > 0) {
      this.#held.push(e);
      return;
    }
    this.#deliver(e);
  }

  #deliver(e: Uint8Array | "end" | "close"): void {
    if (e === "end") return this.#onEnd();
    if (e === "close") return this.#onClosed();
    this.#h!.data(e);
  }

  /** Delivers held events in order until the consumer pauses again. */
  #release(): void {
    while (this.#held.length > 0 && !this.#paused && !this.#closed) {
      this.#deliver(this.#held.shift()!);
    }
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
    this.afterWrite();
    if (this.#pending > 0 || !this.#needDrain) return;
    this.#needDrain = false;
    this.#inWriteCallback = true;
    try {
      this.#h?.drain();
    } finally {
      this.#inWriteCallback = false;
    }
  }

  /** A write's callback ran (before any drain it reports): for subclasses that watch the stream's writes. */
  protected afterWrite(): void {}

  pause(): void {
    this.#paused = true;
    if (this.#h && !this.#hold) this.#s.pause();
  }

  resume(): void {
    this.#paused = false;
    if (!this.#h) return;
    if (!this.#hold) this.#s.resume();
    this.#release();
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
    this.#held.length = 0;
    this.#h?.close();
    // destroyed inside its own write callback, node's stream fails the rest of that write's
    // bookkeeping with an ERR_STREAM_DESTROYED built per connection (12% of the CPU of a
    // connection per request on Deno): destroy once the callback returned
    if (this.#inWriteCallback) queueMicrotask(() => this.#s.destroy());
    else this.#s.destroy();
  }

  setNoDelay(on: boolean): void {
    try {
      this.#s.setNoDelay(on);
    } catch { /* the socket may already be gone */ }
  }
}
