/** A WebSocket echo origin (Bun.serve, so the tests that use it run under bun test) and a promise-based client. */

/** The slice of Bun's server API used here, typed so the tests type-check without bun-types. */
interface BunServerWebSocket {
  send(data: string | Uint8Array): number;
  close(code?: number, reason?: string): void;
}

interface BunServer {
  readonly port: number;
  upgrade(req: Request): boolean;
  stop(closeActiveConnections?: boolean): void;
}

interface BunServeOptions {
  port: number;
  hostname: string;
  fetch(req: Request, server: BunServer): Response | undefined;
  websocket: {
    maxPayloadLength?: number;
    idleTimeout?: number;
    open?(ws: BunServerWebSocket): void;
    message(ws: BunServerWebSocket, message: string | Uint8Array): void;
    close?(ws: BunServerWebSocket, code: number, reason: string): void;
  };
}

function bun(): { serve(options: BunServeOptions): BunServer } {
  const b = (globalThis as unknown as { Bun?: { serve(options: BunServeOptions): BunServer } }).Bun;
  if (!b) throw new Error("the WebSocket origin needs Bun.serve: run this test under bun test");
  return b;
}

export interface WsOrigin {
  readonly port: number;
  /** Upgrades accepted, and the request heads they came with. */
  readonly upgrades: Headers[];
  /** Connections the origin saw close. */
  readonly closed: number;
  close(): void;
}

/** Answers every text message with "echo:" + message and every binary one with the same bytes. */
export function wsEchoOrigin(): WsOrigin {
  const upgrades: Headers[] = [];
  let closed = 0;
  const server = bun().serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req, srv) {
      if (srv.upgrade(req)) {
        upgrades.push(req.headers);
        return undefined;
      }
      return new Response("not a WebSocket request", { status: 400 });
    },
    websocket: {
      maxPayloadLength: 16 * 1024 * 1024,
      idleTimeout: 120,
      message(ws, m) {
        ws.send(typeof m === "string" ? "echo:" + m : m);
      },
      close() {
        closed++;
      },
    },
  });
  return {
    port: server.port,
    upgrades,
    get closed() {
      return closed;
    },
    close: () => server.stop(true),
  };
}

/** A WebSocket client whose replies are awaited one by one. */
export class WsClient {
  readonly ws: WebSocket;
  #inbox: (string | ArrayBuffer)[] = [];
  #wake: (() => void) | null = null;
  /** Set once the socket closed: its close code. */
  closeCode: number | null = null;
  closedAt = 0;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.binaryType = "arraybuffer";
    ws.onmessage = (e: MessageEvent) => {
      this.#inbox.push(e.data as string | ArrayBuffer);
      this.#wake?.();
    };
    ws.onclose = (e: CloseEvent) => {
      this.closeCode = e.code;
      this.closedAt = Date.now();
      this.#wake?.();
    };
  }

  static open(url: string, timeoutMs = 5000): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const timer = setTimeout(() => {
        ws.close();
        reject(new Error(`WebSocket ${url} did not open within ${timeoutMs}ms`));
      }, timeoutMs);
      ws.onopen = () => {
        clearTimeout(timer);
        resolve(new WsClient(ws));
      };
      ws.onerror = () => {
        clearTimeout(timer);
        reject(new Error(`WebSocket ${url} failed to open`));
      };
    });
  }

  /** The next message; throws when the socket closes first or after `timeoutMs`. */
  async next(timeoutMs = 5000): Promise<string | ArrayBuffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.#inbox.length === 0) {
      if (this.closeCode !== null) throw new Error(`closed (${this.closeCode}) before a message`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message within ${timeoutMs}ms`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.#wake = () => {
          clearTimeout(t);
          r();
        };
      });
      this.#wake = null;
    }
    return this.#inbox.shift()!;
  }

  /** Resolves with the close code once closed; null if still open after `ms`. */
  async closed(ms: number): Promise<number | null> {
    const deadline = Date.now() + ms;
    while (this.closeCode === null && Date.now() < deadline) {
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(1, deadline - Date.now()));
        this.#wake = () => {
          clearTimeout(t);
          r();
        };
      });
      this.#wake = null;
    }
    return this.closeCode;
  }

  close(): void {
    this.ws.close();
  }
}
