/** Bun: starts this process's command line again with the listening sockets as fds 3, 4, ... and waits for its "ready" over IPC. */
import process from "node:process";
import type { BunApi } from "./bun_api.ts";
import { LISTEN_FDS_ENV, startedAsSuccessor } from "./inherited.ts";
import type { HandedSocket, Successor } from "./process_types.ts";

declare const Bun: BunApi;

/** The message a successor sends once it serves. */
const READY = "tsproxy-ready";

/**
 * The command that started this process, to run again: the executable as it is on disk now (a
 * replaced one reads "... (deleted)" in /proc: its path is the new file), its runtime flags and
 * script (none for a compiled binary, whose script lives in Bun's embedded "/$bunfs/"), the arguments.
 */
export function commandLine(): string[] {
  return [...selfCommand(), ...process.argv.slice(2)];
}

/** The executable with its runtime flags and script: what runs this program again, arguments apart. */
export function selfCommand(): string[] {
  const exe = process.execPath.replace(/ \(deleted\)$/, "");
  const script = process.argv[1] ?? "";
  if (script.startsWith("/$bunfs/") || script.startsWith("B:/~BUN/")) return [exe];
  return [exe, ...process.execArgv, script];
}

/** Spawns the successor; throws (naming the command) when it cannot be started at all. */
export function startBunSuccessor(sockets: readonly HandedSocket[]): Successor {
  const handed = sockets.map((s, i) => ({ host: s.host, port: s.port, fd: 3 + i }));
  let ready: (v: "ready") => void = () => {};
  const readyP = new Promise<"ready">((resolve) => (ready = resolve));
  const cmd = commandLine();
  let proc: ReturnType<BunApi["spawn"]>;
  try {
    proc = Bun.spawn(cmd, {
      stdio: ["inherit", "inherit", "inherit", ...sockets.map((s) => s.fd)],
      env: { ...process.env, [LISTEN_FDS_ENV]: JSON.stringify(handed) },
      ipc(message) {
        if ((message as { tsproxy?: string })?.tsproxy === READY) ready("ready");
      },
    });
  } catch (err) {
    throw new Error(`cannot start ${cmd.join(" ")}: ${(err as Error).message}`, { cause: err });
  }
  const exited = proc.exited.then(() => ({ exited: proc.signalCode ?? proc.exitCode ?? -1 }));
  return {
    pid: proc.pid,
    started: Promise.race([readyP, exited]),
    stop: () => proc.kill("SIGTERM"),
    release() {
      try {
        proc.disconnect();
      } catch { /* gone already */ }
      proc.unref();
    },
  };
}

/** In a successor: tells the predecessor it serves. */
export function tellBunParentReady(): void {
  if (startedAsSuccessor()) process.send?.({ tsproxy: READY, pid: process.pid });
}
