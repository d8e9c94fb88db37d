/** Deno: starts this process's command line again with the listening sockets as fds 3, 4, ... (node:child_process) and waits for its "ready" over IPC. */
import { spawn } from "node:child_process";
import { closeSync, readFileSync, writeSync } from "node:fs";
import type { Readable } from "node:stream";
import process from "node:process";
import { rebindAll, suspendHanded } from "./deno_handover.ts";
import { LISTEN_FDS_ENV, startedAsSuccessor } from "./inherited.ts";
import type { HandedSocket, Successor } from "./process_types.ts";

/** The line a successor writes once it serves. */
const READY = "tsproxy-ready";
/**
 * The variable naming the fd of the pipe that line goes to. Not the IPC channel of
 * node:child_process: measured on Deno 2.9.6, a message sent while the old process is under load
 * never reaches its "message" handler.
 */
const READY_FD_ENV = "TSPROXY_READY_FD";

/** The ready pipe's fd, read (and removed from the environment) once at start. */
const readyFd = (() => {
  try {
    const v = process.env[READY_FD_ENV];
    delete process.env[READY_FD_ENV];
    return v;
  } catch {
    return undefined; // no --allow-env
  }
})();

/**
 * The command that started this process, to run again: Deno's executable, then its arguments as the
 * kernel recorded them (`run`, the permission flags, the script, ours): Deno keeps its own flags
 * out of `process.argv` and `execArgv`.
 */
export function denoCommandLine(): string[] {
  const argv = readFileSync("/proc/self/cmdline", "utf8").split("\0");
  if (argv.at(-1) === "") argv.pop();
  return [process.execPath, ...argv.slice(1)];
}

/** Spawns the successor; throws (naming the command) when it cannot be started at all. */
export function startDenoSuccessor(sockets: readonly HandedSocket[]): Successor {
  const handed = sockets.map((s, i) => ({ host: s.host, port: s.port, fd: 3 + i }));
  let cmd: string[];
  try {
    cmd = denoCommandLine();
  } catch (err) {
    throw new Error(
      `binary upgrade on Deno needs --allow-all (-A): it reads /proc (this process's command ` +
        `line, its listening sockets' descriptors) and starts a process; ${(err as Error).message}`,
    );
  }
  let ready: (v: "ready") => void = () => {};
  const readyP = new Promise<"ready">((resolve) => (ready = resolve));
  let exit: (v: { exited: number | string }) => void = () => {};
  const exited = new Promise<{ exited: number | string }>((resolve) => (exit = resolve));
  const pipe = 3 + sockets.length;
  const child = spawn(cmd[0]!, cmd.slice(1), {
    stdio: ["inherit", "inherit", "inherit", ...sockets.map((s) => s.fd), "pipe"],
    env: { ...process.env, [LISTEN_FDS_ENV]: JSON.stringify(handed), [READY_FD_ENV]: String(pipe) },
  });
  // this process stops accepting now (see deno_handover.ts); binds again if the successor fails
  const suspended = suspendHanded(sockets.map((s) => s.fd));
  let taken = false;
  const failed = (v: { exited: number | string }) => {
    exit(v);
    if (!taken) void rebindAll(suspended);
  };
  child.on("error", (err) => failed({ exited: `spawn failure (${err.message})` }));
  child.on("exit", (code, signal) => failed({ exited: signal ?? code ?? -1 }));
  let said = "";
  const readyPipe = child.stdio[pipe] as Readable | null | undefined;
  readyPipe?.on("data", (d: Uint8Array) => {
    said += new TextDecoder().decode(d);
    if (!said.startsWith(READY)) return;
    taken = true;
    ready("ready");
  });
  readyPipe?.on("error", () => {});
  return {
    pid: child.pid ?? -1,
    started: Promise.race([readyP, exited]),
    stop: () => child.kill("SIGTERM"),
    release() {
      readyPipe?.destroy();
      child.unref();
    },
  };
}

/** In a successor: tells the predecessor it serves (a line on the pipe it named). */
export function tellDenoParentReady(): void {
  const fd = Number(readyFd);
  if (!startedAsSuccessor() || !Number.isInteger(fd) || fd < 3) return;
  try {
    writeSync(
      fd,
      `${READY} ${process.pid}
`,
    );
    closeSync(fd);
  } catch { /* the predecessor is gone */ }
}
