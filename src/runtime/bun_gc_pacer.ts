/** Bun: a full collection after every so many bytes read, so the buffers Bun allocates per read (and a request's garbage) are freed at a bounded pace. */
import process from "node:process";
import type { BunApi } from "./bun_api.ts";

declare const Bun: BunApi;

/**
 * Bytes read between two collections; off unless TSPROXY_GC_PACE=MiB is set. JSC collects fully only
 * once its heap has grown a lot: in the bench's 64 KiB × 256 connections row the peak RSS was 110-113
 * MiB without pacing and 94-102 MiB with a collection every 128 MiB, but each synchronous collection
 * stalls the loop: about 8% more CPU per request and 15-20% fewer req/s (README, Memory).
 */
const PACE = Number(process.env.TSPROXY_GC_PACE ?? 0) * 1024 * 1024;
let read = 0;
let scheduled = false;

function collect(): void {
  scheduled = false;
  Bun.gc(true);
}

/** Counts `n` bytes read; past the pace, one collection runs on the next turn (never inside a callback). */
export function countRead(n: number): void {
  read += n;
  if (read < PACE || scheduled || PACE <= 0) return;
  read = 0;
  scheduled = true;
  setImmediate(collect);
}
