/** The socket side of an HTTP transaction: its server connection's events, the client's half-close, a tunnel's two ends. */
import type { Socket } from "../../runtime/types.ts";
import type { BodyMeter } from "./body_meter.ts";
import type { HttpSession } from "./session.ts";

/**
 * Routes the events of the transaction's server connection to its phases. Events of a connection
 * the transaction let go of (a retry closes it) are not its business, so each handler checks that
 * the socket is still the transaction's own.
 */
export abstract class TransactionSockets {
  protected readonly s: HttpSession;
  protected readonly reqBody: BodyMeter;
  /** The server connection while the transaction holds one. */
  protected srv: Socket | null = null;
  protected clientEnded = false;
  #serverEnded = false;

  constructor(session: HttpSession, reqBody: BodyMeter) {
    this.s = session;
    this.reqBody = reqBody;
  }

  /** Takes the events of `sock`, the transaction's server connection from now. */
  protected listen(sock: Socket): void {
    this.srv = sock;
    sock.setHandlers({
      data: (chunk) => {
        if (sock !== this.srv) return;
        this.s.timer.touchServer();
        this.serverData(chunk);
      },
      drain: () => {
        if (sock !== this.srv) return;
        this.s.timer.touchServer();
        this.serverDrained();
      },
      end: () => sock === this.srv && this.serverEnded(),
      close: (err) => sock === this.srv && this.serverClosed(err),
    });
  }

  protected abstract serverData(chunk: Uint8Array): void;
  protected abstract serverDrained(): void;
  protected abstract serverEnded(): void;
  protected abstract serverClosed(err?: Error): void;
  /** Both ends of a tunnel are done. */
  protected abstract tunnelOver(): void;
  /** The client half-closed before its request body was whole. */
  protected abstract clientEndedMidRequest(): void;
  abstract get inTunnel(): boolean;

  /** The server half-closed a tunnel: pass the FIN on; over once the client did too. */
  protected tunnelHalfClosed(_side: "server"): void {
    this.#serverEnded = true;
    this.s.client.shutdown();
    if (this.clientEnded) this.tunnelOver();
  }

  protected endTunnel(): void {
    this.tunnelOver();
  }

  onClientEnd(): void {
    this.clientEnded = true;
    if (this.inTunnel) {
      this.srv?.shutdown();
      if (this.#serverEnded) this.tunnelOver();
      return;
    }
    if (!this.reqBody.done) this.clientEndedMidRequest();
  }
}
