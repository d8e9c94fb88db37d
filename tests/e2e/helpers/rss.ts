/** A child process's resident memory from /proc, sampled while a test streams through it. */
import { readFileSync } from "node:fs";

/** A /proc/PID/status field in bytes (VmRSS, VmHWM); 0 when unreadable. */
export function procKb(pid: number, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(
      readFileSync(`/proc/${pid}/status`, "utf8"),
    );
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples the process's VmRSS every 100ms until stopped; reports the peak. */
export function sampleRss(pid: number): { stop(): { peak: number; samples: number; hwm: number } } {
  let peak = 0, samples = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, procKb(pid, "VmRSS"));
    samples++;
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, procKb(pid, "VmRSS"));
      return { peak, samples, hwm: procKb(pid, "VmHWM") };
    },
  };
}
