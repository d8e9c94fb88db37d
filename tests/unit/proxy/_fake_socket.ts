/** A Socket that records what a session does to it and lets a test deliver its events. */
import type { Socket, SocketHandlers } from "../../../src/runtime/types.ts";

export class FakeSocket implements Socket {
  remoteAddress = "10.0.0.2";
  remotePort = 40000;
  localAddress = "10.0.0.1";
  localPort = 80;
  handlers: SocketHandlers | null = null;
  setHandlersCalls = 0;
  written: Uint8Array[] = [];
  paused = false;
  closed = false;
  pending = 0;

  setHandlers(h: SocketHandlers): void {
    this.handlers = h;
    this.setHandlersCalls++;
  }
  write(chunk: Uint8Array): boolean {
    this.written.push(chunk);
    return true;
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  shutdown(): void {}
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers?.close();
  }
  setNoDelay(): void {}

  /** The peer sent `text`. */
  send(text: string | Uint8Array): void {
    this.handlers!.data(typeof text === "string" ? new TextEncoder().encode(text) : text);
  }
}

/** A recorder of the events a socket delivers. */
export function recorder(): { events: string[]; handlers: SocketHandlers } {
  const events: string[] = [];
  const dec = new TextDecoder();
  return {
    events,
    handlers: {
      data: (c) => events.push(`data:${dec.decode(c)}`),
      drain: () => events.push("drain"),
      end: () => events.push("end"),
      close: () => events.push("close"),
    },
  };
}

export const tick = () => new Promise((r) => setTimeout(r, 0));
