/** A fuzz finding: what failed, the seed that builds it, and its bytes, saved under .fuzz/ and read back for --replay. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import process from "node:process";

export type CaseKind = "h1" | "h2";
export type CaseMode = "inproc" | "socket";

/** One case as sent: its chunks (and, over a socket, whether the client half-closed after them). */
export interface FuzzCase {
  kind: CaseKind;
  mode: CaseMode;
  /** The run's seed and the case's index and own seed: `--seed S` rebuilds the same cases. */
  runSeed: number;
  index: number;
  seed: number;
  chunks: Uint8Array[];
  halfClose?: boolean;
}

export interface Finding {
  fuzzCase: FuzzCase;
  problems: string[];
  file?: string;
}

/** Where findings go: $FUZZ_DIR or .fuzz/ at the repository root. */
export const FUZZ_DIR = process.env.FUZZ_DIR ?? resolve(import.meta.dirname ?? ".", "../../.fuzz");

const b64 = (b: Uint8Array) => btoa(Array.from(b, (c) => String.fromCharCode(c)).join(""));
const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

/** Writes the finding as JSON; returns its path. */
export function saveFinding(f: Finding): string {
  mkdirSync(FUZZ_DIR, { recursive: true });
  const c = f.fuzzCase;
  const file = join(FUZZ_DIR, `${c.mode}-${c.kind}-${c.runSeed}-${c.index}.json`);
  const json = {
    kind: c.kind,
    mode: c.mode,
    runSeed: c.runSeed,
    index: c.index,
    seed: c.seed,
    halfClose: c.halfClose ?? false,
    problems: f.problems,
    // readable when the bytes are text
    text: Array.from(c.chunks, (x) => String.fromCharCode(...x.subarray(0, 4096))).join(""),
    chunks: c.chunks.map(b64),
  };
  writeFileSync(file, JSON.stringify(json, null, 1) + "\n");
  return file;
}

/** Reads a saved finding back as the case it was. */
export function loadCase(file: string): FuzzCase {
  const j = JSON.parse(readFileSync(file, "utf8"));
  if (j.kind !== "h1" && j.kind !== "h2") {
    throw new TypeError(`${file}: kind must be h1 or h2, not ${j.kind}`);
  }
  if (j.mode !== "inproc" && j.mode !== "socket") {
    throw new TypeError(`${file}: mode must be inproc or socket`);
  }
  if (!Array.isArray(j.chunks)) throw new TypeError(`${file}: no chunks`);
  return {
    kind: j.kind,
    mode: j.mode,
    runSeed: j.runSeed ?? 0,
    index: j.index ?? 0,
    seed: j.seed ?? 0,
    chunks: j.chunks.map(unb64),
    halfClose: j.halfClose === true,
  };
}
