/** Runs Debian's haproxy in the foreground on a generated config, as a reference for differential tests. */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";
import process from "node:process";
import { sleep } from "./net.ts";
import { writeTemp } from "./proxy.ts";

/** Where the haproxy binary is looked for; HAPROXY=/path overrides. */
export const HAPROXY_BIN: string = process.env.HAPROXY ?? "/usr/sbin/haproxy";

/** Whether the haproxy binary exists (differential tests fail without it). */
export function haproxyAvailable(): boolean {
  return existsSync(HAPROXY_BIN);
}

export interface RunningHaproxy {
  readonly proc: ChildProcess;
  /** The frontend's port on 127.0.0.1. */
  readonly port: number;
  /** The `haproxy -v` first line, e.g. "HAProxy version 2.6.12-1+deb12u4 ...". */
  readonly version: string;
  output(): string;
  stop(): Promise<number | string>;
}

/**
 * The reference config: one HTTP frontend on `port` whose default backend is one server at
 * 127.0.0.1:`originPort`. Limits match tsproxy's defaults (tune.bufsize 16384, tune.http.maxhdr 101, which admits 100 fields like tsproxy's maxHeaders 100),
 * one thread, keep-alive on both sides (HAProxy's default, spelled out).
 */
export function haproxyConfig(port: number, originPort: number): string {
  return `
global
    tune.bufsize 16384
    tune.http.maxhdr 101
    nbthread 1
    maxconn 1000

defaults
    mode http
    option http-keep-alive
    timeout connect 2s
    timeout client 5s
    timeout server 5s
    timeout http-request 2s

frontend fe
    bind 127.0.0.1:${port}
    default_backend be

backend be
    server origin 127.0.0.1:${originPort}
`;
}

/** Resolves true once something accepts on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

/**
 * Starts `haproxy -db -f CFG` in front of `originPort` and waits until its frontend accepts (one
 * frontend of {@link startHaproxyConfig}: HAProxy cannot report an OS-chosen port, so a busy one
 * means another try).
 */
export function startHaproxy(originPort: number): Promise<RunningHaproxy> {
  return startHaproxyConfig(1, ([port]) => haproxyConfig(port!, originPort));
}

/** The `haproxy -v` first line. */
export function haproxyVersion(): Promise<string> {
  return new Promise<string>((resolve) => {
    const p = spawn(HAPROXY_BIN, ["-v"], { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    p.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    p.on("close", () => resolve(out.split("\n")[0] ?? ""));
  });
}

/**
 * A free run of `count` ports in 29000-31999 (below the ephemeral range); the start varies with the pid and `attempt`.
 */
async function freePortRun(count: number, attempt: number): Promise<number[]> {
  const span = 3000 - count;
  for (let shift = 0; shift < 20; shift++) {
    const base = 29000 + ((process.pid * 13 + (attempt * 20 + shift) * 397) % span);
    const ports = Array.from({ length: count }, (_, i) => base + i);
    const busy = await Promise.all(ports.map(accepts));
    if (!busy.includes(true)) return ports;
  }
  throw new Error(`no run of ${count} free ports found`);
}

/**
 * Starts haproxy on a whole config whose `count` frontends each need a port: `render` gets the
 * ports and returns the haproxy.cfg text. Waits until every port accepts; a bind failure means
 * another try on other ports, up to five.
 */
export async function startHaproxyConfig(
  count: number,
  render: (ports: number[]) => string,
): Promise<RunningHaproxy & { readonly ports: number[] }> {
  const version = await haproxyVersion();
  let lastError = "";
  for (let attempt = 0; attempt < 5; attempt++) {
    const ports = await freePortRun(count, attempt);
    const cfg = writeTemp("haproxy.cfg", render(ports));
    const proc = spawn(HAPROXY_BIN, ["-db", "-f", cfg], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    let exitCode: number | string | null = null;
    const exited = new Promise<number | string>((resolve) => {
      proc.on("exit", (code, sig) => resolve(exitCode = code ?? sig ?? -1));
    });
    let up = false;
    for (let i = 0; i < 100 && exitCode === null && !up; i++) {
      up = !(await Promise.all(ports.map(accepts))).includes(false);
      if (!up) await sleep(50);
    }
    if (up && exitCode === null) {
      return {
        proc,
        port: ports[0]!,
        ports,
        version,
        output: () => out,
        async stop() {
          if (exitCode !== null) return exitCode;
          proc.kill("SIGTERM");
          const t = setTimeout(() => proc.kill("SIGKILL"), 5000);
          const code = await exited;
          clearTimeout(t);
          return code;
        },
      };
    }
    if (exitCode === null) proc.kill("SIGKILL");
    await exited;
    lastError = `haproxy exited with ${exitCode}:\n${out}`;
    if (!/cannot bind|Address already in use/i.test(out)) break;
  }
  throw new Error(`could not start haproxy: ${lastError}`);
}
