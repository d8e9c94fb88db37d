/** `tsproxy ctl`'s client side: one runtime command to the CLI socket (unix path) or to the API (POST /api/commands). */
import { connect } from "node:net";

/** Sends `line` to the CLI socket at `path` and resolves with everything it answers until it closes. */
export function runOnSocket(path: string, line: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ path });
    let out = "";
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`${path}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.setEncoding("utf8");
    sock.on("connect", () => sock.end(`${line}\n`));
    sock.on("data", (d: string) => out += d);
    sock.on("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`${path}: ${err.message}`));
    });
    sock.on("close", () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

/** Posts `line` to the API at `url` with bearer `token`; the answer text, or an error saying what the API refused. */
export async function runOnApi(url: string, token: string, line: string): Promise<string> {
  const endpoint = new URL("/api/commands", url);
  const res = await fetch(endpoint, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ command: line }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${endpoint}: ${res.status} ${text.trim()}`);
  return text;
}
