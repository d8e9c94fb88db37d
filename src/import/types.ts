/** What the haproxy.cfg converter's keyword handlers return, and what it reports. */
import type { CfgLine } from "./cfg_reader.ts";

/** A line not converted: `ignored` ones change nothing that matters (nbthread, daemon). */
export interface ImportIssue {
  line: number;
  keyword: string;
  reason: string;
  ignored: boolean;
}

/**
 * Where a setting goes: `fe` frontend keys, `be` backend keys, `both` (mode), `rules` the
 * section's own rule lists (the frontend's in a listen section).
 */
export type Side = "fe" | "be" | "both" | "rules";

/** One key set by a line (`push`: appended to a list; `merge`: merged into an object). */
export interface Setting {
  side: Side;
  path: string[];
  value: unknown;
  push?: boolean;
  merge?: boolean;
}

/** A line refused: why, and whether ignoring it changes nothing that matters. */
export interface Refusal {
  reason: string;
  ignored?: boolean;
}

export type Handler = (l: CfgLine) => Setting[] | Refusal;

export function refuse(reason: string, ignored = false): Refusal {
  return { reason, ignored };
}

export function isRefusal(r: Setting[] | Refusal): r is Refusal {
  return !Array.isArray(r);
}
