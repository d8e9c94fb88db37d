/** Bun: runs this program again with other arguments and collects what it writes (the config loaded apart). */
import process from "node:process";
import type { BunApi } from "./bun_api.ts";
import { selfCommand } from "./bun_successor.ts";
import { LISTEN_FDS_ENV } from "./inherited.ts";
import type { SelfRun } from "./process_types.ts";

declare const Bun: BunApi;

/** Set in the child: a program that is not the CLI (a test script) would run itself again, and again. */
const CHILD_ENV = "TSPROXY_SELF_CHILD";

/**
 * Starts `selfCommand() ...args`, its stdout and stderr read whole; rejects when it cannot start,
 * or when this process is such a child already (never a chain of them).
 */
export async function runBunSelf(args: readonly string[]): Promise<SelfRun> {
  const cmd = [...selfCommand(), ...args];
  if (process.env[CHILD_ENV]) {
    throw new Error(`runSelf: ${cmd.join(" ")} not started: this process is a child of runSelf`);
  }
  let proc: ReturnType<typeof spawnPiped>;
  try {
    proc = spawnPiped(cmd);
  } catch (err) {
    throw new Error(`cannot start ${cmd.join(" ")}: ${(err as Error).message}`, { cause: err });
  }
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).arrayBuffer(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout: new Uint8Array(out), stderr: err };
}

function spawnPiped(cmd: string[]) {
  // sockets handed to this process at an upgrade are not the child's
  const env = { ...process.env, [LISTEN_FDS_ENV]: undefined, [CHILD_ENV]: "1" };
  return Bun.spawn(cmd, { stdio: ["ignore", "pipe", "pipe"], env });
}
