/** Runs wrk (keep-alive, or a connection per request) against a port and reads its totals. */
import { spawn } from "node:child_process";

/** wrk's totals: requests, non-2xx/3xx answers and socket errors. */
export interface WrkResult {
  requests: number;
  non2xx: number;
  socketErrors: number;
  text: string;
}

/**
 * `wrk -t 2 -c CONNS -d SECONDSs`, with `Connection: close` on every request when `close`;
 * `timeoutS`: wrk's per-request timeout (its default: 2 s).
 */
export function wrk(
  port: number,
  seconds: number,
  close: boolean,
  conns = 16,
  timeoutS?: number,
): Promise<WrkResult> {
  const args = ["-t", "2", "-c", String(conns), "-d", `${seconds}s`, `http://127.0.0.1:${port}/`];
  if (timeoutS !== undefined) args.push("--timeout", `${timeoutS}s`);
  if (close) args.push("-H", "Connection: close");
  return new Promise((resolve, reject) => {
    const p = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    p.stdout.on("data", (d: Buffer) => (text += d.toString()));
    p.stderr.on("data", (d: Buffer) => (text += d.toString()));
    p.on("error", reject);
    p.on("exit", () => {
      const num = (re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
      const errs = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
        text,
      );
      resolve({
        requests: num(/(\d+) requests in/),
        non2xx: num(/Non-2xx or 3xx responses: (\d+)/),
        socketErrors: errs ? errs.slice(1).reduce((n, x) => n + Number(x), 0) : 0,
        text,
      });
    });
  });
}
