/** The file of a unix socket: a stale one removed before binding, the mode set after (node:fs, on both runtimes). */
import { chmodSync, lstatSync, unlinkSync } from "node:fs";

/** Removes `path` when it is a socket left by an earlier process; throws when it is another kind of file. */
export function removeStaleSocket(path: string): void {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return; // nothing there
  }
  if (!isSocket) {
    throw new Error(`cannot bind unix socket ${path}: a file that is not a socket is there`);
  }
  unlinkSync(path);
}

/** Sets the socket file's permissions (octal text such as "0600"). */
export function setSocketMode(path: string, mode: string): void {
  chmodSync(path, parseInt(mode, 8));
}

/** Which file is at `path` now (device and inode), to tell ours from a successor's. */
export function socketFileId(path: string): string {
  try {
    const st = lstatSync(path);
    return `${st.dev}:${st.ino}`;
  } catch {
    return "";
  }
}

/**
 * Removes the socket file on close (ignoring a file already gone), unless it is no longer the one
 * this listener bound (`id`): a successor process bound its own there (binary upgrade).
 */
export function unlinkSocket(path: string, id: string): void {
  if (socketFileId(path) !== id) return;
  try {
    unlinkSync(path);
  } catch { /* gone already */ }
}
