/** The log lines of health checks, worded as HAProxy words them. */
import { showsCode, type Verdict } from "./verdict.ts";

/** A state change a check caused, with what the backend has left. */
export interface TransitionReport {
  readonly backend: string;
  readonly server: string;
  readonly backup: boolean;
  readonly to: "UP" | "DOWN";
  readonly verdict: Verdict;
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
  const v = r.verdict;
  let line = `${
    r.backup ? "Backup " : ""
  }Server ${r.backend}/${r.server} is ${r.to}, reason: ${v.status}`;
  if (v.code !== undefined && showsCode(v.status)) line += `, code: ${v.code}`;
  if (v.info) line += `, info: "${asciiEncode(v.info)}"`;
  line += `, check duration: ${Math.round(r.durationMs)}ms. `;
  line += `${r.active} active and ${r.backups} backup servers ${
    r.to === "UP" ? "online" : "left"
  }.`;
  return line;
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
