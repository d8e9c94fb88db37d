/** Workers' `show stat` CSV and `show info` answers merged into one (a master's view): counters summed, maxima the largest, states the first worker's. */
import { COLUMN_TAGS } from "./columns.ts";

/** How a column's values from several workers combine. */
export type Merge = "sum" | "max" | "min" | "mean" | "first";

/** Metric gauges a sum makes no sense for: a percentage, taken as the largest. */
const NOT_SUMMED = new Set(["throttle"]);
const MEAN = new Set(["qtime", "ctime", "rtime", "ttime"]);

/**
 * How workers' values of CSV column `name` combine: counters, current counts and rates are
 * summed; maxima (qmax, smax, rate_max, *_max) are the largest worker's (the process's true maximum
 * lies between that and their sum); ages (lastchg, lastsess) the smallest; average times the mean;
 * states, settings and check results (status, weight, check_*) the first worker's.
 */
export function columnMerge(name: string): Merge {
  if (MEAN.has(name)) return "mean";
  if (name.endsWith("_max") || NOT_SUMMED.has(name)) return "max";
  if (name === "lastsess" || name === "lastchg") return "min";
  const tags = COLUMN_TAGS.get(name);
  if (tags !== undefined) {
    if (tags.nature === "Max") return "max";
    if (tags.origin === "Metric" && ["Counter", "Gauge", "Rate"].includes(tags.nature)) {
      return "sum";
    }
    return "first";
  }
  if (
    /^(rate|req_rate|conn_rate)$|_cur$|_tot$|^h[12]_|^ssl_|^cache_|^(connect|reuse)$/.test(name)
  ) {
    return "sum";
  }
  return "first";
}

/** Splits one CSV line as `csvLine` writes it (quoted cells with doubled quotes). */
export function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = "", quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (cur += '"', i++);
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") (out.push(cur), cur = "");
    else cur += c;
  }
  out.push(cur);
  return out;
}

function cell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

function combine(how: Merge, values: string[]): string {
  if (how === "first" || values.length === 1) return values[0] ?? "";
  const nums = values.filter((v) => v !== "").map(Number);
  if (nums.length === 0 || nums.some((n) => !Number.isFinite(n))) return values[0] ?? "";
  switch (how) {
    case "sum":
      return String(nums.reduce((a, b) => a + b, 0));
    case "max":
      return String(Math.max(...nums));
    case "min":
      return String(Math.min(...nums));
    case "mean":
      return String(Math.round(nums.reduce((a, b) => a + b, 0) / nums.length));
  }
}

/**
 * One `show stat` CSV from the workers' (same header, lines matched by pxname and svname; a line
 * only some workers have, during a reload, is merged over those). The first text's order is kept.
 */
export function mergeCsv(texts: readonly string[]): string {
  const [first] = texts;
  if (first === undefined) return "";
  const headerLine = first.split("\n", 1)[0]!;
  const columns = splitCsv(headerLine.replace(/^# /, ""));
  const hows = columns.map(columnMerge);
  const byKey = new Map<string, string[][]>();
  const order: string[] = [];
  for (const text of texts) {
    for (const line of text.split("\n").slice(1)) {
      if (line === "") continue;
      const cells = splitCsv(line);
      const key = `${cells[0]}\u0000${cells[1]}`;
      let list = byKey.get(key);
      if (!list) byKey.set(key, list = []), order.push(key);
      list.push(cells);
    }
  }
  let out = headerLine + "\n";
  for (const key of order) {
    const lines = byKey.get(key)!;
    const merged = columns.map((c, i) =>
      c === "" ? "" : combine(hows[i]!, lines.map((l) => l[i] ?? ""))
    );
    out += merged.map(cell).join(",") + "\n";
  }
  return out;
}

/** `show info` fields summed over workers; the rest are the first worker's. */
const INFO_SUM = new Set([
  "CurrConns",
  "CumConns",
  "CumReq",
  "Jobs",
  "DroppedLogs",
  "PoolAlloc_MB",
  "PoolUsed_MB",
]);

/** One `show info` from the workers': sums where they add up, `Pid` and `Nbproc` the master's. */
export function mergeInfo(texts: readonly string[], masterPid: number): string {
  const fields = new Map<string, string[]>();
  for (const text of texts) {
    for (const line of text.split("\n")) {
      const i = line.indexOf(": ");
      if (i < 0) continue;
      const k = line.slice(0, i);
      if (!fields.has(k)) fields.set(k, []);
      fields.get(k)!.push(line.slice(i + 2));
    }
  }
  let out = "";
  for (const [k, values] of fields) {
    let v = INFO_SUM.has(k) ? combine("sum", values) : values[0]!;
    if (k === "Pid") v = String(masterPid);
    if (k === "Nbproc") v = String(texts.length);
    out += `${k}: ${v}\n`;
  }
  return out;
}
