/** Starts tsproxy as a child process under Deno, Bun or the compiled binary, for end-to-end tests. */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import process from "node:process";

export type ProxyRuntime = "deno" | "bun" | "binary";

const ROOT = resolve(import.meta.dirname ?? ".", "../../..");
const BIN = join(ROOT, "node_modules/.bin");

/** The runtimes end-to-end tests run the proxy under; TSPROXY_RUNTIMES="bun,deno" narrows it. */
export const RUNTIMES: ProxyRuntime[] = (process.env.TSPROXY_RUNTIMES ?? "deno,bun,binary")
  .split(",").map((s) => s.trim()).filter(Boolean) as ProxyRuntime[];

/** The command line that runs the CLI under a runtime. */
export function cliCommand(
  rt: ProxyRuntime,
  args: string[],
  /** Deno with --allow-all (a binary upgrade reads /proc and starts a process). */
  allowAll = false,
): [string, string[]] {
  switch (rt) {
    case "deno":
      return [join(BIN, "deno"), [
        "run",
        ...(allowAll ? ["--allow-all"] : [
          "--allow-net",
          "--allow-read",
          "--allow-write", // unix stats sockets (global.statsSocket.path)
          "--allow-env",
          "--allow-sys",
        ]),
        join(ROOT, "cli.ts"),
        ...args,
      ]];
    case "bun":
      return [join(BIN, "bun"), [join(ROOT, "cli.ts"), ...args]];
    case "binary": {
      const bin = join(ROOT, "dist/tsproxy");
      if (!existsSync(bin)) throw new Error(`${bin} is missing: run "deno task compile" first`);
      return [bin, args];
    }
  }
}

export function writeTemp(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "tsproxy-test-"));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

export interface RunningProxy {
  readonly proc: ChildProcess;
  /** Ports in bind order, as reported by "listening on host:port". */
  readonly ports: number[];
  output(): string;
  /** Resolves with the exit code (or signal name) once the process ended. */
  readonly exited: Promise<number | string>;
  signal(sig: NodeJS.Signals): void;
  stop(): Promise<number | string>;
}

/** Spawns the proxy on a config (YAML unless `name` says otherwise) and waits until it reports `binds` listening addresses. */
export async function startProxy(
  rt: ProxyRuntime,
  yaml: string,
  binds = 1,
  /** Files written next to the config (name → content), for paths relative to it. */
  files: Record<string, string> = {},
  /** The config file's name: `haproxy.cfg` runs a haproxy.cfg through the importer. */
  name = "tsproxy.yaml",
  /** Deno with --allow-all (see {@link cliCommand}). */
  allowAll = false,
): Promise<RunningProxy> {
  const cfg = writeTemp(name, yaml);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dirname(cfg), name), text);
  const [cmd, args] = cliCommand(rt, ["run", "-c", cfg], allowAll);
  const proc = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const ports: number[] = [];
  const exited = new Promise<number | string>((res) => {
    proc.on("exit", (code, sig) => res(code ?? sig ?? -1));
  });
  const ready = new Promise<void>((res, rej) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const found = [...out.matchAll(/listening on [^\s]+:(\d+)/g)].map((m) => Number(m[1]));
      if (found.length >= binds && ports.length === 0) {
        ports.push(...found.slice(0, binds));
        res();
      }
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    exited.then((code) =>
      rej(new Error(`proxy (${rt}) exited with ${code} before listening:\n${out}`))
    );
    setTimeout(() => rej(new Error(`proxy (${rt}) did not listen within 15s:\n${out}`)), 15_000);
  });
  try {
    await ready;
  } catch (err) {
    proc.kill("SIGKILL");
    throw err;
  }
  return {
    proc,
    ports,
    output: () => out,
    exited,
    signal: (sig) => proc.kill(sig),
    async stop() {
      proc.kill("SIGTERM");
      const t = setTimeout(() => proc.kill("SIGKILL"), 10_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}
