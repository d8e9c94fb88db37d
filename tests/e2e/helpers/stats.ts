/** Helpers of the stats differential tests: HAProxy's stats socket, CSV parsing, plain HTTP requests, tsproxy in-process. */
import { request } from "node:http";
import net from "node:net";
import { parseConfigText } from "../../../src/config/mod.ts";
import { startProxy } from "../../../src/plan/mod.ts";
import type { ProxyHandle } from "../../../src/proxy/proxy.ts";
import { getRuntime } from "../../../src/runtime/mod.ts";

/** Sends one command to a stats socket and resolves with the whole answer (HAProxy closes after it). */
export function statsCommand(path: string, command: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(path);
    let out = "";
    const t = setTimeout(() => {
      s.destroy();
      reject(new Error(`stats socket ${path}: no answer to "${command}" in ${timeoutMs} ms`));
    }, timeoutMs);
    s.on("connect", () => s.write(command + "\n"));
    s.on("data", (d: Buffer) => (out += d.toString()));
    s.on("error", (e) => {
      clearTimeout(t);
      reject(e);
    });
    s.on("close", () => {
      clearTimeout(t);
      resolve(out);
    });
  });
}

/** `show stat` CSV as header columns and records keyed `pxname/svname`. */
export function parseStatCsv(text: string): {
  header: string;
  columns: string[];
  lines: Map<string, Record<string, string>>;
} {
  const [header, ...rest] = text.split("\n");
  const columns = header!.replace(/^# /, "").replace(/,$/, "").split(",");
  const lines = new Map<string, Record<string, string>>();
  for (const l of rest) {
    if (l === "") continue;
    const cells = l.split(",");
    const rec: Record<string, string> = {};
    columns.forEach((c, i) => (rec[c] = cells[i] ?? ""));
    lines.set(`${rec.pxname}/${rec.svname}`, rec);
  }
  return { header: header!, columns, lines };
}

/** GET `path` on 127.0.0.1:`port` over a new connection (no keep-alive); resolves with the status. */
export function get(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${path} on ${port}: timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/** Sends raw bytes (none: closes at once, as a port probe does) and waits for the connection to close (or 3 s); resolves with what came back. */
export function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    let out = "";
    const t = setTimeout(() => s.destroy(), 3000);
    s.on("connect", () => (bytes === "" ? s.end() : s.write(bytes)));
    s.on("data", (d: Buffer) => (out += d.toString()));
    s.on("error", () => {});
    s.on("close", () => {
      clearTimeout(t);
      resolve(out);
    });
  });
}

/** Starts tsproxy in this process on a YAML config (runtime of the test runner). */
export async function startInProcess(yaml: string): Promise<ProxyHandle> {
  const loaded = parseConfigText(yaml, "test.yaml");
  if (!loaded.ok) throw new Error(`test config: ${JSON.stringify(loaded.errors)}`);
  return startProxy(loaded.config, await getRuntime());
}
