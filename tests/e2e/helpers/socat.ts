/** Sends runtime commands to a stats socket through socat (a real client), as an operator's script would. */
import { spawn } from "node:child_process";

/** `echo LINE | socat -t 2 - UNIX-CONNECT:path` (or TCP:host:port): the whole answer. */
export function socat(address: string, line: string, timeoutMs = 5000): Promise<string> {
  const target = address.startsWith("/") ? `UNIX-CONNECT:${address}` : `TCP:${address}`;
  return new Promise((resolve, reject) => {
    const p = spawn("socat", ["-t", "2", "-", target], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "", err = "";
    const timer = setTimeout(() => {
      p.kill("SIGKILL");
      reject(new Error(`socat "${line}" took over ${timeoutMs}ms; got ${JSON.stringify(out)}`));
    }, timeoutMs);
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`socat "${line}" exited ${code}: ${err}`));
    });
    p.stdin.end(line + "\n");
  });
}
