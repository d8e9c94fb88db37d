/** Bun on Linux: once serving, the executable's code pages that only start-up touched are given back (madvise), so RSS is the working set. */
import process from "node:process";
import { readFileSync, realpathSync } from "node:fs";

/** MADV_DONTNEED: the pages are dropped from this process; a later touch reads them again from the page cache. */
const MADV_DONTNEED = 4;
/** Read-only mappings only: a writable page may hold this process's data. */
const SAFE_PERMS = new Set(["r-xp", "r--p"]);

interface Mapping {
  start: bigint;
  end: bigint;
  rssKiB: number;
}

/**
 * Read-only mappings of `path` that hold no private (copied-on-write) page: dropping their pages
 * loses nothing, the file has the same bytes. Read from /proc/self/smaps.
 */
export function cleanMappings(smaps: string, path: string): Mapping[] {
  const out: Mapping[] = [];
  let cur: (Mapping & { ok: boolean }) | null = null;
  for (const line of smaps.split("\n")) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      if (cur?.ok) out.push({ start: cur.start, end: cur.end, rssKiB: cur.rssKiB });
      const ok = SAFE_PERMS.has(head[3]!) && head[4] === path;
      cur = { start: BigInt("0x" + head[1]), end: BigInt("0x" + head[2]), rssKiB: 0, ok };
      continue;
    }
    if (!cur?.ok) continue;
    const field = /^(Rss|Anonymous|Swap):\s+(\d+) kB/.exec(line);
    if (!field) continue;
    if (field[1] === "Rss") cur.rssKiB = Number(field[2]);
    else if (field[2] !== "0") cur.ok = false; // a private page: never drop it
  }
  if (cur?.ok) out.push({ start: cur.start, end: cur.end, rssKiB: cur.rssKiB });
  return out;
}

interface Madvise {
  symbols: { madvise(addr: bigint, len: bigint, advice: number): number };
}

let loaded: Madvise | undefined;

/** libc's madvise(2) through bun:ffi, loaded once (each dlopen compiles a trampoline). */
async function loadMadvise(): Promise<Madvise> {
  const ffi = await import("bun:ffi" as string) as {
    dlopen(lib: string, symbols: Record<string, unknown>): Madvise;
    FFIType: { u64: unknown; i32: unknown };
  };
  const { u64, i32 } = ffi.FFIType;
  return ffi.dlopen("libc.so.6", { madvise: { args: [u64, u64, i32], returns: i32 } });
}

/**
 * Drops the resident pages of the executable's read-only mappings; returns the KiB they held
 * (0 where it cannot: not Linux, no libc.so.6, or TSPROXY_TRIM=0). The code the proxy runs comes
 * back on its first touch (a minor fault from the page cache); what only start-up ran (the module
 * loader, the transpiler, the config's code paths) stays out.
 */
export async function trimStartupPages(): Promise<number> {
  if (process.platform !== "linux" || process.env.TSPROXY_TRIM === "0") return 0;
  let libc: Madvise;
  let maps: Mapping[];
  try {
    libc = loaded ??= await loadMadvise();
    maps = cleanMappings(readFileSync("/proc/self/smaps", "utf8"), realpathSync(process.execPath));
  } catch {
    return 0; // no libc.so.6 (musl) or no /proc: nothing to give back
  }
  let kib = 0;
  for (const m of maps) {
    if (libc.symbols.madvise(m.start, m.end - m.start, MADV_DONTNEED) === 0) kib += m.rssKiB;
  }
  return kib;
}
