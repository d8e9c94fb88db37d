/**
 * Sends queued syslog messages over a stream (TCP, or a unix stream socket) with RFC 6587 octet
 * counting, through node:net (measured to work alike on Deno and Bun): one write in flight, batches
 * of up to 64 KiB, reconnects with a doubling backoff while the server is absent.
 */
import net from "node:net";
import { octetCounted } from "./syslog_format.ts";
import type { SenderHost } from "./syslog_udp.ts";

const BATCH_BYTES = 64 * 1024;
const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 10_000;

export type StreamAddress = { host: string; port: number } | { path: string };

export class StreamSender {
  #host: SenderHost;
  #address: StreamAddress;
  #socket: net.Socket | null = null;
  #state: "down" | "connecting" | "up" | "closed" = "down";
  /** A write returned false: wait for `drain` before the next. */
  #blocked = false;
  #backoff = FIRST_BACKOFF_MS;
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(host: SenderHost, address: StreamAddress) {
    this.#host = host;
    this.#address = address;
  }

  /** Whether a connection is up (for tests and the status line). */
  get connected(): boolean {
    return this.#state === "up";
  }

  /** Writes one batch when connected and not blocked; connects when down and no retry is pending. */
  pump(): void {
    if (this.#state === "down" && this.#retry === undefined) this.#connect();
    if (this.#state !== "up" || this.#blocked) return;
    const queue = this.#host.queue;
    let batch = "";
    while (batch.length < BATCH_BYTES) {
      const msg = queue.shift();
      if (msg === undefined) break;
      batch += octetCounted(msg);
    }
    if (batch === "") return;
    if (!this.#socket!.write(batch)) this.#blocked = true;
    else if (queue.length > 0) this.#host.schedule();
  }

  #connect(): void {
    this.#state = "connecting";
    const socket = "path" in this.#address
      ? net.connect({ path: this.#address.path })
      : net.connect({ host: this.#address.host, port: this.#address.port });
    this.#socket = socket;
    socket.setNoDelay?.(true);
    socket.on("connect", () => {
      if (this.#socket !== socket) return;
      this.#state = "up";
      this.#backoff = FIRST_BACKOFF_MS;
      this.#host.schedule();
    });
    socket.on("drain", () => {
      if (this.#socket !== socket) return;
      this.#blocked = false;
      this.#host.schedule();
    });
    socket.on("data", () => {}); // a syslog server says nothing; read to notice its close
    socket.on("error", (e) => this.#lost(socket, e.message));
    socket.on("close", () => this.#lost(socket, "connection closed"));
  }

  #lost(socket: net.Socket, reason: string): void {
    if (this.#socket !== socket || this.#state === "closed") return;
    this.#socket = null;
    this.#state = "down";
    this.#blocked = false;
    socket.destroy();
    this.#host.failed(reason);
    const wait = this.#backoff;
    this.#backoff = Math.min(this.#backoff * 2, MAX_BACKOFF_MS);
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      if (this.#state === "down") this.pump();
    }, wait);
    (this.#retry as { unref?: () => void }).unref?.();
  }

  /** Writes what is left if connected (waiting at most `ms` for it to leave), then closes. */
  async close(ms: number): Promise<void> {
    clearTimeout(this.#retry);
    const deadline = Date.now() + ms;
    if (this.#state === "down" && this.#host.queue.length > 0) this.#connect();
    while (this.#state === "connecting" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const socket = this.#socket;
    if (socket !== null && this.#state === "up") {
      while (this.#host.queue.length > 0 && Date.now() < deadline && this.#socket === socket) {
        if (!this.#blocked) {
          this.pump();
          continue;
        }
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
          socket.once("drain", () => (clearTimeout(t), resolve()));
        });
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        socket.end(() => (clearTimeout(t), resolve()));
      });
    }
    this.#state = "closed";
    this.#socket = null;
    socket?.destroy();
  }
}
