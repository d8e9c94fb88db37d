/** Sends queued syslog messages as UDP datagrams (node:dgram, measured to work alike on Deno and Bun), one message per datagram. */
import dgram from "node:dgram";
import { isIPv6 } from "node:net";
import type { SyslogQueue } from "./syslog_queue.ts";

/** Datagrams handed to the socket and not yet reported sent; beyond it messages wait in the queue. */
const MAX_IN_FLIGHT = 256;

/** What a sender needs from its sink: the queue, a way to ask for a later pump, and where failures go. */
export interface SenderHost {
  readonly queue: SyslogQueue;
  /** Asks for `pump()` to run again on a later turn. */
  schedule(): void;
  /** The transport failed (reported at most once a minute by the host). */
  failed(reason: string): void;
}

export class UdpSender {
  #host: SenderHost;
  #address: string;
  #port: number;
  #socket: dgram.Socket | null = null;
  #inFlight = 0;
  #idle: (() => void) | null = null;

  constructor(host: SenderHost, address: string, port: number) {
    this.#host = host;
    this.#address = address;
    this.#port = port;
  }

  #open(): dgram.Socket {
    const socket = dgram.createSocket(isIPv6(this.#address) ? "udp6" : "udp4");
    socket.on("error", (e) => this.#host.failed(e.message));
    socket.unref?.();
    this.#socket = socket;
    return socket;
  }

  /** Sends what waits, up to the in-flight bound; the rest is sent as earlier datagrams complete. */
  pump(): void {
    const socket = this.#socket ?? this.#open();
    const queue = this.#host.queue;
    while (this.#inFlight < MAX_IN_FLIGHT) {
      const msg = queue.shift();
      if (msg === undefined) break;
      this.#inFlight++;
      socket.send(msg, this.#port, this.#address, this.#sent);
    }
  }

  #sent = (err: Error | null): void => {
    this.#inFlight--;
    if (err) this.#host.failed(err.message);
    if (this.#host.queue.length > 0) this.#host.schedule();
    else if (this.#inFlight === 0) this.#idle?.();
  };

  /** Sends what is left (waiting at most `ms`), then closes the socket. */
  async close(ms: number): Promise<void> {
    if (this.#socket === null && this.#host.queue.length === 0) return;
    const deadline = Date.now() + ms;
    while ((this.#host.queue.length > 0 || this.#inFlight > 0) && Date.now() < deadline) {
      this.pump();
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#idle = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.#idle = null;
    }
    this.#socket?.close();
    this.#socket = null;
  }
}
