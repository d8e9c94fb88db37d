/** Bun on Linux: `tsproxy run` replaces itself (execve, same pid) with the same command and JSC told a RAM size, so its collector keeps the heap small. */
import process from "node:process";
import { selfCommand } from "./bun_successor.ts";
import { LISTEN_FDS_ENV } from "./inherited.ts";

/** JSC's option, read from the environment when Bun starts. */
const JSC_RAM_ENV = "BUN_JSC_forceRAMSize";

/**
 * The RAM size JSC sizes its collections by: the whole machine's RAM by default, which lets the
 * heap hold 20-35 MiB of garbage between full collections in the 64 KiB bench row. With 256 MiB the
 * peak RSS there was 73-80 MiB instead of 94-96 MiB at the same CPU per request (README, Memory);
 * 64 MiB halved the garbage again but doubled the CPU. A heap that grows past it is still served
 * (JSC then grows by its large-heap factor).
 */
export const JSC_RAM_BYTES = 256 * 1024 * 1024;

interface Execve {
  symbols: { execve(path: unknown, argv: unknown, envp: unknown): number };
}

/**
 * Starts this process again, in place, with `BUN_JSC_forceRAMSize` set; returns only when it does
 * not (then the process goes on as it is). Not when the variable is set (a restarted process, or
 * an operator's own value), with TSPROXY_JSC_RAM=0, or when sockets or a channel were handed over
 * (an upgrade's successor, a worker: their parents set the variable already).
 */
export async function restartWithJscRam(): Promise<void> {
  const env = process.env;
  if (process.platform !== "linux" || env[JSC_RAM_ENV] !== undefined) return;
  if (env.TSPROXY_JSC_RAM === "0" || env[LISTEN_FDS_ENV] || process.channel) return;
  const cmd = [...selfCommand(), ...process.argv.slice(2)];
  const vars = { ...env, [JSC_RAM_ENV]: String(JSC_RAM_BYTES) };
  try {
    const ffi = await import("bun:ffi" as string) as {
      dlopen(lib: string, symbols: Record<string, unknown>): Execve;
      ptr(view: ArrayBufferView): number;
      FFIType: { ptr: unknown; i32: unknown };
    };
    const { ptr, i32 } = ffi.FFIType;
    const libc = ffi.dlopen("libc.so.6", { execve: { args: [ptr, ptr, ptr], returns: i32 } });
    const strings = (list: string[]) => list.map((s) => new TextEncoder().encode(s + "\0"));
    const table = (bufs: Uint8Array[]) => {
      const t = new BigUint64Array(bufs.length + 1);
      bufs.forEach((b, i) => (t[i] = BigInt(ffi.ptr(b))));
      return t;
    };
    const argv = strings(cmd);
    const envp = strings(
      Object.entries(vars).flatMap(([k, v]) => v === undefined ? [] : [`${k}=${v}`]),
    );
    const [argvT, envpT] = [table(argv), table(envp)];
    libc.symbols.execve(ffi.ptr(argv[0]!), ffi.ptr(argvT), ffi.ptr(envpT));
    // still here: execve failed; serve as we are
  } catch {
    // no bun:ffi or no libc.so.6: serve as we are
  }
}
