/** The log lines of health checks, worded as HAProxy words them. */
import { showsCode, type Verdict } from "./verdict.ts";

/** A state change a check caused, with what the backend has left. */
export interface TransitionReport {
  readonly backend: string;
  readonly server: string;
  readonly backup: boolean;
  readonly to: "UP" | "DOWN";
  readonly verdict: Verdict;
  /** Negative for a passive failure (observe): HAProxy prints no check duration then. */
  readonly durationMs: number;
  /** UP servers of the backend after the change, active and backup. */
  readonly active: number;
  readonly backups: number;
}

/**
 * `Server app/s1 is DOWN, reason: Layer7 wrong status, code: 500, info: "Internal Server Error",
 * check duration: 3ms. 1 active and 0 backup servers left.` (HAProxy adds a queue summary; tsproxy
 * has no queue.)
 */
export function transitionMessage(r: TransitionReport): string {
  let line = `${r.backup ? "Backup " : ""}Server ${r.backend}/${r.server} is ${r.to}`;
  line += checkInfo(r.verdict, r.durationMs);
  line += `. ${r.active} active and ${r.backups} backup servers ${
    r.to === "UP" ? "online" : "left"
  }.`;
  return line;
}

/** HAProxy's check_append_info: reason, code where it shows one, info, check duration if known. */
function checkInfo(v: Verdict, durationMs: number): string {
  let text = `, reason: ${v.status}`;
  if (v.code !== undefined && showsCode(v.status)) text += `, code: ${v.code}`;
  if (v.info) text += `, info: "${asciiEncode(v.info)}"`;
  if (durationMs >= 0) text += `, check duration: ${Math.round(durationMs)}ms`;
  return text;
}

/** A failed check that changed no state, worded as HAProxy's `option log-health-checks` does. */
export interface CheckReport {
  readonly backend: string;
  readonly server: string;
  readonly backup: boolean;
  readonly verdict: Verdict;
  readonly durationMs: number;
  /** The check health (0 to rise+fall-1) after it, and the server's rise and fall. */
  readonly health: number;
  readonly rise: number;
  readonly fall: number;
  /** The server takes no new traffic while UP (DRAIN, or weight 0). */
  readonly draining: boolean;
}

/**
 * `Health check for server app/s1 failed, reason: Health analyze, info: "Detected 10 consecutive
 * errors, last one was: Wrong http response", status: 2/3 UP.`
 */
export function checkFailedMessage(r: CheckReport): string {
  const up = r.health >= r.rise;
  const status = up
    ? `${r.health - r.rise + 1}/${r.fall} ${r.draining ? "DRAIN" : "UP"}`
    : `${r.health}/${r.rise} DOWN`;
  return `Health check for ${r.backup ? "backup " : ""}server ${r.backend}/${r.server} failed` +
    `${checkInfo(r.verdict, r.durationMs)}, status: ${status}.`;
}

/** Logged when the backend's last UP server goes DOWN. */
export function noServerMessage(backend: string): string {
  return `backend ${backend} has no server available!`;
}

/** HAProxy's chunk_asciiencode: `"` and bytes outside printable ASCII become `<XX>`. */
export function asciiEncode(text: string): string {
  return text.replace(
    /[^\x20-\x7e]|"/g,
    (c) => `<${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}>`,
  );
}
