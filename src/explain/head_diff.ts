/** What a rewrite changed in a request head: fields removed and added, the request line. */
import type { RequestHead } from "../http1/types.ts";
import type { HeadChange } from "./types.ts";

/** A copy of what rewrites may change: the request line and the fields. */
export interface HeadSnapshot {
  readonly line: string;
  readonly fields: readonly (readonly [string, string])[];
}

export function snapshot(req: RequestHead): HeadSnapshot {
  return {
    line: requestLine(req),
    fields: req.headers.map((f) => [f.name, f.value] as const),
  };
}

export function requestLine(req: RequestHead): string {
  return `${req.method} ${req.target} HTTP/1.${req.minor}`;
}

/**
 * The changes from `before` to `req` now: the request line if it changed, each field gone (-)
 * and each new one (+), as multisets (a field kept in place is no change).
 */
export function changesSince(before: HeadSnapshot, req: RequestHead, why?: string): HeadChange[] {
  const out: HeadChange[] = [];
  const tag = why === undefined ? {} : { why };
  const line = requestLine(req);
  if (line !== before.line) out.push({ op: "line", name: before.line, value: line, ...tag });
  const left = new Map<string, number>();
  const key = (n: string, v: string) => `${n.toLowerCase()}\n${v}`;
  for (const f of req.headers) {
    left.set(key(f.name, f.value), (left.get(key(f.name, f.value)) ?? 0) + 1);
  }
  const kept = new Map<string, number>();
  for (const [name, value] of before.fields) {
    const k = key(name, value), n = left.get(k) ?? 0;
    if (n > 0) {
      left.set(k, n - 1);
      kept.set(k, (kept.get(k) ?? 0) + 1);
    } else out.push({ op: "-", name, value, ...tag });
  }
  for (const f of req.headers) {
    const k = key(f.name, f.value), n = kept.get(k) ?? 0;
    if (n > 0) kept.set(k, n - 1);
    else out.push({ op: "+", name: f.name, value: f.value, ...tag });
  }
  return out;
}
