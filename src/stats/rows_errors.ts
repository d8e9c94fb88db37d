/** Metrics table rows for denials, errors, retries and health checks (frontend, backend, server). */
import { field, type MetricRow } from "./row.ts";

export const ERROR_ROWS: readonly MetricRow[] = [
  {
    haproxyField: "dcon",
    prometheus: "denied_connections_total",
    kind: "counter",
    description: "connections closed by a tcp-request connection reject",
    read: { frontend: field("dcon") },
  },
  {
    haproxyField: null,
    why:
      "HAProxy counts no stats field for a bad PROXY header: the connection ends before a session",
    prometheus: "proxy_header_errors_total",
    ownName: true,
    kind: "counter",
    description: "accept-proxy connections closed for a missing, malformed or late PROXY header",
    read: { frontend: field("proxyHeaderErrors") },
  },
  {
    haproxyField: null,
    why: "HAProxy counts HTTP/2 in its h2 stats module, not in the proxy's fields",
    prometheus: "h2_connections_total",
    ownName: true,
    kind: "counter",
    description: "HTTP/2 connections accepted (ALPN h2, or an h2c preface)",
    read: { frontend: field("h2Connections") },
  },
  {
    haproxyField: null,
    why: "HAProxy counts glitches per connection (fc_glitches), not per frontend",
    prometheus: "h2_glitches_total",
    ownName: true,
    kind: "counter",
    description: "HTTP/2 glitches: rapid resets, CONTINUATION/PING/SETTINGS/empty-frame floods, " +
      "oversized field sections, stream errors",
    read: { frontend: field("h2Glitches") },
  },
  {
    haproxyField: null,
    why: "HAProxy's h2 module counts GOAWAYs sent (h2_goaway_resp), not in the proxy's fields",
    prometheus: "h2_connection_errors_total",
    ownName: true,
    kind: "counter",
    description: "HTTP/2 connections ended by a GOAWAY for an error (protocol error, glitches " +
      "over the threshold)",
    read: { frontend: field("h2ConnectionErrors") },
  },
  {
    haproxyField: "dreq",
    prometheus: "requests_denied_total",
    kind: "counter",
    description: "requests denied by tcp-request content or http-request rules",
    read: { frontend: field("dreq"), backend: field("dreq") },
  },
  {
    haproxyField: "dresp",
    prometheus: "responses_denied_total",
    kind: "counter",
    description: "responses denied by http-response rules",
    read: { frontend: field("dresp"), backend: field("dresp"), server: field("dresp") },
  },
  {
    haproxyField: "ereq",
    prometheus: "request_errors_total",
    kind: "counter",
    description: "bad requests from clients: malformed, too large, timed out or closed while sent",
    read: { frontend: field("ereq") },
  },
  {
    haproxyField: "econ",
    prometheus: "connection_errors_total",
    kind: "counter",
    description:
      "requests that got no server connection (backend: no server, queue full or timed out too)",
    read: { backend: field("econ"), server: field("econ") },
  },
  {
    haproxyField: "eresp",
    prometheus: "response_errors_total",
    kind: "counter",
    description:
      "failed responses: invalid, closed before a response, timed out (srv_abrt included)",
    read: { backend: field("eresp"), server: field("eresp") },
  },
  {
    haproxyField: "cli_abrt",
    prometheus: "client_aborts_total",
    kind: "counter",
    description: "data transfers aborted by the client",
    read: { backend: field("cliAbrt"), server: field("cliAbrt") },
  },
  {
    haproxyField: "srv_abrt",
    prometheus: "server_aborts_total",
    kind: "counter",
    description: "data transfers aborted by the server",
    read: { backend: field("srvAbrt"), server: field("srvAbrt") },
  },
  {
    haproxyField: "wretr",
    prometheus: "retry_warnings_total",
    kind: "counter",
    description: "connection retries on the same server",
    read: { backend: field("wretr"), server: field("wretr") },
  },
  {
    haproxyField: "wredis",
    prometheus: "redispatch_warnings_total",
    kind: "counter",
    description: "retries moved to another server (server: moves away from it)",
    read: { backend: field("wredis"), server: field("wredis") },
  },
  {
    haproxyField: "chkfail",
    prometheus: "check_failures_total",
    kind: "counter",
    description: "failed health checks while the server was not fully DOWN",
    read: { server: field("chkfail") },
  },
  {
    haproxyField: "chkdown",
    prometheus: "check_up_down_total",
    kind: "counter",
    description: "UP to DOWN transitions (backend: times no usable server was left)",
    read: { backend: field("chkdown"), server: field("chkdown") },
  },
  {
    haproxyField: "hanafail",
    prometheus: "check_analyses_failures_total",
    ownName: true,
    kind: "counter",
    description: "times passive health checks (observe) reached their error limit",
    read: { server: field("hanafail") },
  },
];
