/** Phase "PROXY header" of an accept-proxy connection: read the header (bounded in time and size), then on a TLS bind the handshake, before any session starts. */
import { getLogger } from "@logtape/logtape";
import {
  parseProxyHeader,
  PROXY_V2_MAX_LENGTH,
  type ProxyHeader,
} from "../../proxy_protocol/mod.ts";
import { parseClientHello } from "../../tls/client_hello.ts";
import { NOT_A_HEADER } from "../../proxy_protocol/v1.ts";
import type { Socket, TlsAcceptor } from "../../runtime/types.ts";
import type { ProxiedSocket } from "./proxied_socket.ts";

const log = getLogger(["tsproxy", "proxy"]);

/** The bound on the wait when the frontend's `timeout client` is 0 (off): never wait forever. */
export const PROXY_HEADER_FALLBACK_TIMEOUT = 3000;

/** What the wait needs from the frontend that accepted the connection. */
export interface ProxyHeaderOwner {
  readonly name: string;
  /** `timeout client`: the longest the header may take (HAProxy's handshake bound). */
  readonly clientTimeout: number;
  /** Its counters: proxyHeaderErrors counts connections closed for a bad or late PROXY header. */
  readonly counters: { proxyHeaderErrors: number };
  /** The header was read (and TLS set up on a TLS bind): start the session in the slot the wait held. */
  proxyHeaderRead(wait: ProxyHeaderWait, sock: Socket): void;
  /** The wait is over without a session (connection closed). */
  release(wait: ProxyHeaderWait): void;
}

/**
 * Holds an admitted accept-proxy connection until its PROXY header (v1 or v2) is complete. A header
 * the codec refuses, a close before it is complete, or `timeout client` passing first closes the
 * connection, counts it and logs one line (HAProxy's connection error texts, with the real peer).
 * The buffer stays under the codec's bound: at most PROXY_V2_MAX_LENGTH bytes plus one read.
 * On an acceptProxy + tls bind the TLS handshake then runs over the same connection, still in the
 * slot (bounded by the acceptor's handshake timeout); a failed one closes the connection.
 */
export class ProxyHeaderWait {
  readonly #owner: ProxyHeaderOwner;
  readonly #sock: ProxiedSocket;
  #buf: Uint8Array | null = null;
  /** The header once parsed, while a TLS bind waits for the ClientHello after it. */
  #header: ProxyHeader | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #done = false;
  /** The wait ended from outside (kill) while the TLS handshake ran. */
  #killed = false;

  constructor(owner: ProxyHeaderOwner, sock: ProxiedSocket) {
    this.#owner = owner;
    this.#sock = sock;
  }

  start(): void {
    const ms = this.#owner.clientTimeout > 0
      ? this.#owner.clientTimeout
      : PROXY_HEADER_FALLBACK_TIMEOUT;
    this.#timer = setTimeout(
      () => this.#fail("Timeout while waiting for PROXY protocol header"),
      ms,
    );
    this.#sock.setHandlers({
      data: (chunk) => this.#onData(chunk),
      drain: () => {},
      end: () => this.#fail("Connection closed while waiting for PROXY protocol header"),
      close: () => this.#fail("Connection closed while waiting for PROXY protocol header"),
    });
  }

  #onData(chunk: Uint8Array): void {
    if (this.#done) return;
    let buf = chunk;
    if (this.#buf !== null) {
      buf = new Uint8Array(this.#buf.length + chunk.length);
      buf.set(this.#buf);
      buf.set(chunk, this.#buf.length);
    }
    if (this.#header === null) {
      const r = parseProxyHeader(buf);
      if (r.kind === "error") {
        return this.#fail(
          r.reason === NOT_A_HEADER
            ? "Received something which does not look like a PROXY protocol header"
            : `Received an invalid PROXY protocol header (${r.reason})`,
        );
      }
      if (r.kind === "incomplete") {
        // the codec refuses longer headers itself; this only guards against it ever not doing so
        if (buf.length > PROXY_V2_MAX_LENGTH) {
          return this.#fail("Received a truncated PROXY protocol header (too long)");
        }
        this.#buf = buf;
        return;
      }
      this.#header = r.header;
      buf = buf.subarray(r.length);
    }
    const tls = this.#sock.handshake;
    if (tls === null) return this.#read(buf, () => this.#owner.proxyHeaderRead(this, this.#sock));
    // the ClientHello's name picks the certificate: not every stack asks an SNICallback here
    const hello = parseClientHello(buf);
    if (hello.kind === "incomplete") {
      this.#buf = buf; // at most one TLS record (16 KiB) and one read
      return;
    }
    const servername = hello.kind === "hello" ? hello.sni ?? "" : "";
    this.#read(buf, () => this.#handshake(tls, servername));
  }

  /** The header (and on a TLS bind the ClientHello) is in: `rest` goes back to the socket. */
  #read(rest: Uint8Array, then: () => void): void {
    this.#done = true;
    this.#buf = null;
    clearTimeout(this.#timer);
    this.#sock.headerRead(this.#header!, rest);
    then();
  }

  #handshake(tls: TlsAcceptor, servername: string): void {
    tls.accept(this.#sock, servername).then((secured) => {
      if (this.#killed) return secured.close();
      this.#owner.proxyHeaderRead(this, secured);
    }, (err: Error) => {
      if (this.#killed) return;
      this.#killed = true;
      log.debug`frontend ${this.#owner.name}: ${err.message}`;
      this.#owner.release(this);
    });
  }

  #fail(reason: string): void {
    if (this.#done) return;
    if (this.#header !== null) return this.kill(); // waiting for the ClientHello: not a header error
    this.#done = true;
    this.#buf = null;
    clearTimeout(this.#timer);
    this.#owner.counters.proxyHeaderErrors++;
    const s = this.#sock;
    const line = `frontend ${this.#owner.name}: ${peer(s.remoteAddress, s.remotePort)}: ${reason}`;
    log.warn`${line}`;
    s.close();
    this.#owner.release(this);
  }

  /** Soft stop: nothing is under way yet, so the connection is closed now (without an error). */
  stopSoftly(): void {
    this.kill();
  }

  kill(): void {
    if (this.#killed) return;
    if (this.#done && this.#sock.handshake === null) return; // the session owns the socket now
    this.#done = true;
    this.#killed = true;
    clearTimeout(this.#timer);
    this.#sock.close();
    this.#owner.release(this);
  }
}

function peer(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
