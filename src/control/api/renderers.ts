/** The stats renderers the local services call: the real ones (src/stats/render/), given the process facts the page prints. */
import {
  renderCsv,
  renderHtml,
  renderJson,
  renderPrometheus,
  scopesFromQuery,
} from "../../stats/render/mod.ts";
import type { ProxyView } from "../../stats/views.ts";
import { processFacts } from "../renderers.ts";

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
  /** `scopes`: the `?scope=` values as given (none: all; `*`: all; unknown ones are ignored). */
  renderPrometheus(proxy: ProxyView, scopes: readonly string[]): string;
}

const SCOPES = new Set(["global", "frontend", "backend", "server", "sticktable", "*", ""]);

/** HAProxy's wording of the admin action outcomes (`;st=`). */
const STATUS: Readonly<Record<string, string>> = {
  DONE: "Action processed successfully.",
  PART: "Action not processed for some servers.",
  ERRP: "Action not processed because of invalid parameters.",
  UNKN: "Unexpected result.",
  NONE: "Nothing has changed.",
  DENY: "Action denied.",
};

export const statsRenderers: StatsRenderers = {
  renderHtml(proxy, o) {
    const page = renderHtml(proxy, {
      uri: o.uri,
      refresh: o.refresh,
      admin: o.admin,
      hideVersion: o.hideVersion,
      ...processFacts(),
    });
    if (!o.status) return page;
    const note = STATUS[o.status] ?? STATUS.UNKN!;
    return page.replace("<body>", `<body><p class="status" id="st">${note}</p>`);
  },
  renderCsv: (proxy) => renderCsv(proxy),
  renderJson: (proxy) => renderJson(proxy),
  renderPrometheus(proxy, scopes) {
    const params = new URLSearchParams(
      scopes.filter((s) => SCOPES.has(s)).map((s) => ["scope", s]),
    );
    return renderPrometheus(proxy, { scopes: scopesFromQuery(params) });
  },
};
