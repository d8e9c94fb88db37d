/**
 * The stats renderers the local services call, injected: the integration passes the real ones from
 * `src/stats/render/mod.ts`; `plainRenderers` here is a stand-in over `snapshot()` until then.
 */
import { snapshot, type StatLine } from "../../stats/snapshot.ts";
import { prometheusName } from "../../stats/table.ts";
import type { ProxyView } from "../../stats/views.ts";

/** What the stats page shows around the table. */
export interface HtmlOptions {
  /** The page's own URI (forms post to it, links add `;csv`). */
  readonly uri: string;
  /** Seconds between reloads, 0: none. */
  readonly refresh: number;
  /** Show the admin forms (stats admin matched). */
  readonly admin: boolean;
  readonly hideVersion: boolean;
  /** The outcome of the last admin action (`;st=DONE` …), shown once. */
  readonly status?: string;
}

export interface StatsRenderers {
  renderHtml(proxy: ProxyView, options: HtmlOptions): string;
  renderCsv(proxy: ProxyView): string;
  renderJson(proxy: ProxyView): string;
  /** `scopes`: the `?scope=` values (empty: all). */
  renderPrometheus(proxy: ProxyView, scopes: readonly string[]): string;
}

function fieldsOf(line: StatLine): [string, number][] {
  const out: [string, number][] = [];
  for (const s of line.samples) if (s.row.haproxyField) out.push([s.row.haproxyField, s.value]);
  return out;
}

function proxyLines(proxy: ProxyView): StatLine[] {
  return snapshot(proxy).filter((l) => l.scope !== "process");
}

function csv(proxy: ProxyView): string {
  const lines = proxyLines(proxy);
  const names = [...new Set(lines.flatMap((l) => fieldsOf(l).map(([n]) => n)))];
  let out = `# pxname,svname,${names.join(",")},\n`;
  for (const l of lines) {
    const m = new Map(fieldsOf(l));
    out += `${l.proxy},${l.name},${names.map((n) => m.get(n) ?? "").join(",")},\n`;
  }
  return out;
}

function json(proxy: ProxyView): string {
  return JSON.stringify(
    proxyLines(proxy).map((l) => ({
      pxname: l.proxy,
      svname: l.name,
      ...Object.fromEntries(fieldsOf(l)),
    })),
  );
}

function prometheus(proxy: ProxyView, scopes: readonly string[]): string {
  let out = "";
  for (const l of snapshot(proxy)) {
    if (scopes.length > 0 && !scopes.includes(l.scope) && !scopes.includes("*")) continue;
    const label = l.scope === "process"
      ? ""
      : l.scope === "server"
      ? `{proxy="${l.proxy}",server="${l.name}"}`
      : `{proxy="${l.proxy}"}`;
    for (const s of l.samples) out += `${prometheusName(s.row, l.scope)}${label} ${s.value}\n`;
  }
  return out;
}

const esc = (t: string) => t.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function html(proxy: ProxyView, o: HtmlOptions): string {
  const refresh = o.refresh > 0 ? `<meta http-equiv="refresh" content="${o.refresh}">` : "";
  let body = o.hideVersion ? "<h1>Statistics Report</h1>" : "<h1>tsproxy Statistics Report</h1>";
  if (o.status) body += `<p class="status">${esc(o.status)}</p>`;
  for (const b of proxy.backends.values()) {
    body += `<h2>${esc(b.name)}</h2><form method="post" action="${esc(o.uri)}"><table>`;
    for (const s of b.servers) {
      const box = o.admin ? `<input type="checkbox" name="s" value="${esc(s.name)}">` : "";
      body += `<tr><td>${box}${esc(s.name)}</td><td>${s.cur}</td></tr>`;
    }
    body += "</table>";
    if (o.admin) {
      body += `<input type="hidden" name="b" value="${esc(b.name)}"><select name="action">` +
        ["ready", "drain", "maint", "dhlth", "ehlth", "shutdown"]
          .map((a) => `<option value="${a}">${a}</option>`).join("") +
        `</select><input type="submit" value="Apply">`;
    }
    body += "</form>";
  }
  return `<!DOCTYPE html><html><head><title>Statistics Report</title>${refresh}</head>` +
    `<body>${body}<a href="${esc(o.uri)};csv">CSV export</a></body></html>`;
}

/** A plain stand-in for the real renderers (numbers only, no status columns). */
export const plainRenderers: StatsRenderers = {
  renderHtml: html,
  renderCsv: csv,
  renderJson: json,
  renderPrometheus: prometheus,
};
