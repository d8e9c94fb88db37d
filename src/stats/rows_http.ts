/** Metrics table rows for HTTP requests, responses by status class, local answers and compression. */
import { comp, field, type MetricRow } from "./row.ts";
import type { StatusCounters } from "./counters.ts";

/** One hrsp_* row: responses of status class `code` (`1xx` .. `5xx`, `other`). */
function statusRow(code: string, key: keyof StatusCounters, what: string): MetricRow {
  return {
    haproxyField: `hrsp_${code}`,
    prometheus: "http_responses_total",
    labels: { code },
    kind: "counter",
    description: `HTTP responses ${what}`,
    read: { frontend: field(key), backend: field(key), server: field(key) },
  };
}

export const HTTP_ROWS: readonly MetricRow[] = [
  {
    haproxyField: "req_tot",
    prometheus: "http_requests_total",
    kind: "counter",
    description: "HTTP requests received",
    read: { frontend: field("reqTot"), backend: field("reqTot") },
  },
  statusRow("1xx", "hrsp1xx", "with a 1xx status"),
  statusRow("2xx", "hrsp2xx", "with a 2xx status"),
  statusRow("3xx", "hrsp3xx", "with a 3xx status"),
  statusRow("4xx", "hrsp4xx", "with a 4xx status"),
  statusRow("5xx", "hrsp5xx", "with a 5xx status"),
  statusRow("other", "hrspOther", "with another status (protocol error)"),
  {
    haproxyField: "intercepted",
    prometheus: "intercepted_requests_total",
    kind: "counter",
    description: "requests answered by the proxy itself (redirect, return, deny pages)",
    read: { frontend: field("intercepted") },
  },
  {
    // HAProxy's CSV has a backend's intercepted, its exporter has no backend series for it
    haproxyField: "intercepted",
    prometheus: "intercepted_requests_total",
    ownName: true,
    kind: "counter",
    description: "requests answered by the proxy itself (redirect, return, deny pages)",
    read: { backend: field("intercepted") },
  },
  {
    haproxyField: "comp_in",
    prometheus: "http_comp_bytes_in_total",
    kind: "counter",
    description: "response body bytes fed to the compressor",
    read: comp("compIn"),
  },
  {
    haproxyField: "comp_out",
    prometheus: "http_comp_bytes_out_total",
    kind: "counter",
    description: "bytes the compressor emitted (chunk framing not counted)",
    read: comp("compOut"),
  },
  {
    haproxyField: "comp_byp",
    prometheus: "http_comp_bytes_bypassed_total",
    kind: "counter",
    description: "response body bytes sent uncompressed although compression was configured",
    read: comp("compByp"),
  },
  {
    haproxyField: "comp_rsp",
    prometheus: "http_comp_responses_total",
    kind: "counter",
    description: "HTTP responses compressed",
    read: comp("compRsp"),
  },
  {
    haproxyField: null,
    why: "HAProxy counts bypassed bytes (comp_byp), not responses",
    prometheus: "http_comp_bypassed_responses_total",
    ownName: true,
    kind: "counter",
    description: "HTTP responses sent uncompressed although compression was configured for them",
    read: comp("bypassed"),
  },
];
