/** Origins and clients over node:net for end-to-end tests: echo, named, blackhole; exchange and hash. */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import net from "node:net";

export interface Origin {
  readonly port: number;
  /** Connections accepted so far / open now. */
  readonly accepted: number;
  readonly open: number;
  close(): Promise<void>;
}

/** A TCP server on 127.0.0.1 with an OS-chosen port; `onConn` handles each connection. */
export function tcpServer(onConn: (s: net.Socket) => void): Promise<Origin> {
  let accepted = 0, open = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    accepted++;
    open++;
    sockets.add(s);
    s.on("error", () => {});
    s.on("close", () => {
      open--;
      sockets.delete(s);
    });
    onConn(s);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port,
        get accepted() {
          return accepted;
        },
        get open() {
          return open;
        },
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

/** Echoes everything and half-closes when the client does. */
export function echoServer(): Promise<Origin> {
  return tcpServer((s) => s.pipe(s));
}

/** Writes its name and closes: shows which server a connection reached. */
export function namedServer(name: string): Promise<Origin> {
  return tcpServer((s) => s.end(name));
}

/** A port that is closed: bound once, then released. */
export async function closedPort(): Promise<number> {
  const o = await tcpServer(() => {});
  await o.close();
  return o.port;
}

export interface ExchangeResult {
  data: Buffer;
  /** How the connection ended: "end" (FIN after data) or "error". */
  how: "end" | "error";
  ms: number;
}

/** Connects, writes `payload` (then half-closes unless `keepOpen`), and collects the reply until the peer closes. */
export function exchange(
  port: number,
  payload: Uint8Array | string = "",
  opts: { keepOpen?: boolean; timeoutMs?: number } = {},
): Promise<ExchangeResult> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    const s = net.connect({ host: "127.0.0.1", port, allowHalfOpen: true });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no end of reply from port ${port} within ${opts.timeoutMs ?? 20000}ms`));
    }, opts.timeoutMs ?? 20_000);
    let how: "end" | "error" = "end";
    s.on("data", (d) => parts.push(d));
    s.on("error", () => (how = "error"));
    s.on("end", () => s.end());
    s.on("close", () => {
      clearTimeout(timer);
      resolve({ data: Buffer.concat(parts), how, ms: Date.now() - t0 });
    });
    s.on("connect", () => {
      if (payload.length > 0) s.write(payload);
      if (!opts.keepOpen) s.end();
    });
  });
}

export function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Opens a connection and resolves once connected; the caller drives it. */
export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: "127.0.0.1", port, allowHalfOpen: true });
    s.once("connect", () => resolve(s));
    s.once("error", reject);
  });
}

/**
 * A blackholed port on loopback: a listener (python, backlog 0) that never accepts, with its accept
 * queue already full, so the kernel drops further SYNs and connects hang until they time out.
 */
export async function blackhole(): Promise<{ port: number; close(): void }> {
  const script = `
import socket, sys, time
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(0)
port = l.getsockname()[1]
fill = []
for _ in range(4):
    c = socket.socket(); c.setblocking(False)
    try: c.connect(("127.0.0.1", port))
    except BlockingIOError: pass
    fill.append(c)
time.sleep(0.2)
print(port, flush=True)
time.sleep(300)
`;
  const proc: ChildProcess = spawn("python3", ["-c", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    proc.stdout!.once("data", (d: Buffer) => resolve(Number(d.toString().trim())));
    proc.once("exit", (c) => reject(new Error(`blackhole helper exited ${c}`)));
  });
  return { port, close: () => proc.kill("SIGKILL") };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `sock` drains or closes, leaving no listener behind. */
export function drained(sock: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      sock.off("drain", done);
      sock.off("close", done);
      resolve();
    };
    sock.on("drain", done);
    sock.on("close", done);
  });
}
