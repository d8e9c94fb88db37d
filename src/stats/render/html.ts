/** The HTML stats page, like HAProxy's: process information, a legend, one table per proxy, admin forms. */
import type { ProxyView } from "../views.ts";
import { type InfoOptions, uptimeText } from "./info.ts";
import { infoFields } from "./info.ts";
import { type FieldLine, fieldLines } from "./lines.ts";
import { esc, proxyTable } from "./html_proxy.ts";
import { STYLE } from "./html_style.ts";
import { readRows } from "../snapshot.ts";

export interface HtmlOptions extends InfoOptions {
  /** The page's own URI: the admin forms POST to it. */
  readonly uri: string;
  /** Seconds between reloads (`<meta http-equiv=refresh>`); 0: none. */
  readonly refresh?: number;
  /** Show the admin forms (HAProxy's `stats admin`). */
  readonly admin?: boolean;
  /** Leave the version out (HAProxy's `stats hide-version`). */
  readonly hideVersion?: boolean;
}

function processBox(proxy: ProxyView, o: HtmlOptions): string {
  const info = new Map(infoFields(proxy, o));
  const rows: [string, string | number | undefined][] = [
    ["pid", `${o.pid} (process #1, nbproc = 1, nbthread = 1)`],
    ["uptime", uptimeText(Number(info.get("Uptime_sec") ?? 0))],
    ["memory", info.get("PoolAlloc_MB") ? `${info.get("PoolAlloc_MB")} MB in use` : undefined],
    ["maxconn", info.get("Maxconn")],
    ["current conns", info.get("CurrConns")],
    ["total conns", info.get("CumConns")],
    ["total requests", info.get("CumReq")],
    ["dropped logs", info.get("DroppedLogs")],
  ];
  const body = rows.filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<tr><td><b>${esc(k)}</b></td><td>${esc(v!)}</td></tr>`).join("");
  return `<table>${body}</table>`;
}

const LEGEND: [string, string][] = [
  ["up", "active UP"],
  ["backup up", "backup UP"],
  ["going_down", "UP, going down"],
  ["going_up", "DOWN, going up"],
  ["down", "DOWN"],
  ["maint", "MAINT"],
  ["drain", "DRAIN"],
  ["nocheck", "not checked"],
];

function legend(): string {
  const cells = LEGEND.map(([c, t]) => `<tr class="${c}"><td>${t}</td></tr>`).join("");
  return `<table class="legend">${cells}</table>`;
}

/** Stick tables: name, type, size, used, read from the metrics table's sticktable rows; "" when none. */
function stickTables(proxy: ProxyView, now: number): string {
  const list = [...(proxy.tables ?? new Map()).values()];
  if (list.length === 0) return "";
  const rows = list.map((t) => {
    const [size, used] = ["size", "used"].map((n) =>
      readRows("sticktable", t, now).find((s) => s.row.prometheus === n)!.value
    );
    return `<tr><td class="pxname">${esc(t.spec.name)}</td><td>${esc(t.spec.type)}</td>` +
      `<td>${size}</td><td>${used}</td></tr>`;
  }).join("");
  return `<table class="sticktables"><tr><th class="pxname" colspan="4">stick tables</th></tr>` +
    `<tr><th>Name</th><th>Type</th><th>Size</th><th>Used</th></tr>${rows}</table>`;
}

/** Lines grouped by proxy name, in order: a frontend's table, then each backend's. */
function byProxy(lines: readonly FieldLine[]): [string, FieldLine[]][] {
  const out: [string, FieldLine[]][] = [];
  for (const l of lines) {
    const last = out[out.length - 1];
    if (last !== undefined && last[0] === l.pxname) last[1].push(l);
    else out.push([l.pxname, [l]]);
  }
  return out;
}

/**
 * The whole stats page. Every number is the metrics table's (the same rows as CSV, JSON and
 * Prometheus); no external assets, inline CSS only.
 *
 * @example
 * ```ts
 * renderHtml(handle, { uri: "/stats", refresh: 10, admin: true, pid: 42, startedAt, version: "0.1.0" });
 * ```
 */
export function renderHtml(proxy: ProxyView, o: HtmlOptions): string {
  const now = o.now ?? Date.now();
  const opts = { ...o, now };
  const name = o.name ?? "tsproxy";
  const title = o.hideVersion ? name : `${name} version ${o.version}`;
  const refresh = (o.refresh ?? 0) > 0
    ? `<meta http-equiv="refresh" content="${Math.floor(o.refresh!)}">`
    : "";
  const tables = byProxy(fieldLines(proxy, now))
    .map(([px, lines]) => proxyTable(px, lines, o.admin === true, o.uri)).join("\n");
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8">${refresh}<title>Statistics Report for ${esc(name)}</title>
<style>${STYLE}</style></head>
<body><h1>${esc(title)}</h1>
<h2>Statistics Report for pid ${esc(o.pid)}</h2>
<div class="info">${processBox(proxy, opts)}${legend()}
<div class="muted">Display option: <a href="${esc(o.uri)};csv">CSV export</a><br>
<a href="${esc(o.uri)};json">JSON export</a><br>Updated ${
    esc(new Date(now).toISOString())
  }</div></div>
${tables}
${stickTables(proxy, now)}
</body></html>
`;
}
