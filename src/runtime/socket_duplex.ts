/** A runtime Socket seen as a node stream.Duplex, so node:tls can run a handshake over a connection that already carried bytes. */
import { Duplex } from "node:stream";
import type { Socket } from "./types.ts";

/**
 * Bytes both ways between `sock` and a Duplex, with backpressure: a full readable side pauses the
 * socket (resumed by the next `_read`), a `write` returning false holds the stream's callback until
 * `drain`. The socket's end is the stream's end; destroying the stream closes the socket. The
 * handlers of `sock` are replaced: whatever it had delivered before belongs to the previous owner.
 */
export class SocketDuplex extends Duplex {
  readonly #sock: Socket;
  #writeDone: ((error?: Error | null) => void) | null = null;

  constructor(sock: Socket) {
    super({ allowHalfOpen: true });
    this.#sock = sock;
    sock.setHandlers({
      data: (chunk) => {
        if (!this.push(chunk)) sock.pause();
      },
      drain: () => {
        const done = this.#writeDone;
        this.#writeDone = null;
        done?.();
      },
      end: () => this.push(null),
      close: (error) => {
        const done = this.#writeDone;
        this.#writeDone = null;
        done?.(error ?? null);
        this.destroy(error);
      },
    });
  }

  override _read(): void {
    this.#sock.resume();
  }

  override _write(
    chunk: Uint8Array,
    _encoding: BufferEncoding,
    done: (error?: Error | null) => void,
  ): void {
    if (this.#sock.closed) return done(new Error("write after the connection closed"));
    if (this.#sock.write(chunk)) done();
    else this.#writeDone = done;
  }

  override _final(done: (error?: Error | null) => void): void {
    this.#sock.shutdown();
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.#sock.close();
    done(error);
  }
}
