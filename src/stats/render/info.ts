/** HAProxy's `show info`: the process's fields by HAProxy's names, the counters read from the metrics table. */
import { readRows } from "../snapshot.ts";
import type { ProxyView } from "../views.ts";

/** What the process tells of itself that the views do not hold (the runtime gives these). */
export interface InfoOptions {
  /** ms since the epoch. */
  readonly now?: number;
  /** When the process started (ms since the epoch). */
  readonly startedAt: number;
  readonly pid: number;
  /** Our product name and version (HAProxy's Name, Version, Release_date). */
  readonly name?: string;
  readonly version: string;
  readonly releaseDate?: string;
  /** The host name (node); left out when absent. */
  readonly node?: string;
  /** Resident memory in bytes (PoolAlloc_MB, PoolUsed_MB); 0 when unknown. */
  readonly memoryBytes?: number;
  /** The open files limit (Ulimit-n, Maxsock); left out when unknown. */
  readonly ulimitN?: number;
}

/** HAProxy's uptime text: `0d 0h02m53s`. */
export function uptimeText(sec: number): string {
  const d = Math.floor(sec / 86400), h = Math.floor(sec / 3600) % 24;
  const m = Math.floor(sec / 60) % 60, s = sec % 60;
  return `${d}d ${h}h${String(m).padStart(2, "0")}m${String(s).padStart(2, "0")}s`;
}

/**
 * The `show info` fields in HAProxy's order. Counters and gauges (CurrConns, Maxconn, CumConns,
 * CumReq, DroppedLogs) are the metrics table's process rows; fields tsproxy has no value for are
 * 0 where HAProxy prints 0 for an unset one (Memmax_MB, PoolFailed, rate limits) and left out
 * otherwise (rates, SSL, pipes, tasks, peers).
 */
export function infoFields(proxy: ProxyView, o: InfoOptions): [string, string | number][] {
  const now = o.now ?? Date.now();
  const table = new Map<string, number>();
  for (const { row, value } of readRows("process", proxy.process, now)) {
    if (row.haproxyField !== null) table.set(row.haproxyField, value);
  }
  const uptime = Math.max(0, Math.floor((now - o.startedAt) / 1000));
  const mb = Math.floor((o.memoryBytes ?? 0) / 1048576);
  const out: [string, string | number][] = [
    ["Name", o.name ?? "tsproxy"],
    ["Version", o.version],
    ["Release_date", o.releaseDate ?? ""],
    ["Nbthread", 1],
    ["Nbproc", 1],
    ["Process_num", 1],
    ["Pid", o.pid],
    ["Uptime", uptimeText(uptime)],
    ["Uptime_sec", uptime],
    ["Memmax_MB", 0],
    ["PoolAlloc_MB", mb],
    ["PoolUsed_MB", mb],
    ["PoolFailed", 0],
  ];
  if (o.ulimitN !== undefined) out.push(["Ulimit-n", o.ulimitN], ["Maxsock", o.ulimitN]);
  const maxconn = table.get("Maxconn") ?? 0;
  out.push(
    ["Maxconn", maxconn],
    ["Hard_maxconn", maxconn],
    ["CurrConns", table.get("CurrConns") ?? 0],
    ["CumConns", table.get("CumConns") ?? 0],
    ["CumReq", table.get("CumReq") ?? 0],
    ["ConnRateLimit", 0],
    ["SessRateLimit", 0],
    ["CompressBpsRateLim", 0],
  );
  if (o.node !== undefined) out.push(["node", o.node]);
  out.push(
    ["Stopping", 0],
    ["Jobs", table.get("CurrConns") ?? 0],
    ["DroppedLogs", table.get("DroppedLogs") ?? 0],
    ["Start_time_sec", Math.floor(o.startedAt / 1000)],
  );
  return out;
}

/** `show info`: `Name: value` lines. */
export function renderInfo(proxy: ProxyView, o: InfoOptions): string {
  return infoFields(proxy, o).map(([k, v]) => `${k}: ${v}\n`).join("");
}
