/** The plain counters the data path increments (`server.counters.eresp++`), one class per scope; read by the metrics table. */

/*
 * Fields are plain numbers, named after HAProxy's `show stat` columns in camelCase (cli_abrt →
 * cliAbrt, hrsp_1xx → hrsp1xx). No methods: the data path increments them in place, and every
 * field is read by a row of the table (src/stats/table.ts), which a test checks.
 */

/** HTTP responses by status class (hrsp_1xx .. hrsp_5xx, hrsp_other), for the scopes that count them. */
export interface StatusCounters {
  hrsp1xx: number;
  hrsp2xx: number;
  hrsp3xx: number;
  hrsp4xx: number;
  hrsp5xx: number;
  hrspOther: number;
}

/** A server's counters (HAProxy's per-server `show stat` line). */
export class ServerCounters implements StatusCounters {
  /** Sessions it served: TCP sessions, HTTP requests (stot). */
  stot = 0;
  /** Bytes from clients / to clients over its connections (bin, bout). */
  bin = 0;
  bout = 0;
  /** Requests whose connect failed on it after their retries (econ). */
  econ = 0;
  /** Responses that failed: invalid, closed before a response, timed out (eresp). */
  eresp = 0;
  /** Retries kept on it (wretr) and moves away from it (wredis). */
  wretr = 0;
  wredis = 0;
  /** Failed health checks while not fully DOWN (chkfail); times checks took it DOWN (chkdown). */
  chkfail = 0;
  chkdown = 0;
  /** Times observe's errorLimit was reached (hanafail). */
  hanafail = 0;
  /** Times the balancer picked it (lbtot): new requests and redispatches, not persistence. */
  lbtot = 0;
  /** Responses denied by http-response rules (dresp). */
  dresp = 0;
  /** Data transfers aborted by the client (cli_abrt) / by the server (srv_abrt, also in eresp). */
  cliAbrt = 0;
  srvAbrt = 0;
  hrsp1xx = 0;
  hrsp2xx = 0;
  hrsp3xx = 0;
  hrsp4xx = 0;
  hrsp5xx = 0;
  hrspOther = 0;
}

/** A backend's counters (its BACKEND line). */
export class BackendCounters implements StatusCounters {
  /** Sessions through it: TCP sessions, HTTP requests given a server connection (stot). */
  stot = 0;
  /** Bytes from clients / to clients (bin, bout). */
  bin = 0;
  bout = 0;
  /** Requests that got no connection: attempts failed, no server, queue timeout or full (econ). */
  econ = 0;
  /** Responses that failed (eresp). */
  eresp = 0;
  /** Retries on the same server (wretr) and on another (wredis). */
  wretr = 0;
  wredis = 0;
  /** Times its last usable server went DOWN (chkdown). */
  chkdown = 0;
  /** Times its balancer picked a server (lbtot). */
  lbtot = 0;
  /** HTTP requests it received (req_tot). */
  reqTot = 0;
  /** Requests / responses denied by its rules (dreq, dresp). */
  dreq = 0;
  dresp = 0;
  /** Requests answered by the proxy itself (intercepted): redirects, return, deny pages. */
  intercepted = 0;
  /** Data transfers aborted by the client / the server (cli_abrt, srv_abrt). */
  cliAbrt = 0;
  srvAbrt = 0;
  hrsp1xx = 0;
  hrsp2xx = 0;
  hrsp3xx = 0;
  hrsp4xx = 0;
  hrsp5xx = 0;
  hrspOther = 0;
}

/** A frontend's counters (its FRONTEND line); compression is counted in CompressionCounters. */
export class FrontendCounters implements StatusCounters {
  /** Sessions it started (stot) and connections it accepted, denied ones included (conn_tot). */
  stot = 0;
  connTot = 0;
  /** Bytes from clients / to clients (bin, bout). */
  bin = 0;
  bout = 0;
  /** Connections closed by a tcp-request connection reject (dcon). */
  dcon = 0;
  /** accept-proxy connections closed for a missing, malformed or late PROXY header. */
  proxyHeaderErrors = 0;
  /** HTTP/2 connections it accepted (ALPN h2 or an h2c preface). */
  h2Connections = 0;
  /** Glitches counted on its HTTP/2 connections (rapid resets, floods, stream errors, ...). */
  h2Glitches = 0;
  /** HTTP/2 connections it ended with a GOAWAY for an error (protocol errors, glitches over the threshold). */
  h2ConnectionErrors = 0;
  /** Bad requests from clients: malformed, too large, timed out or closed while sent (ereq). */
  ereq = 0;
  /** Requests / responses denied by its rules (dreq, dresp). */
  dreq = 0;
  dresp = 0;
  /** HTTP requests it received (req_tot). */
  reqTot = 0;
  /** Requests answered by the proxy itself (intercepted): redirects, return, deny pages. */
  intercepted = 0;
  hrsp1xx = 0;
  hrsp2xx = 0;
  hrsp3xx = 0;
  hrsp4xx = 0;
  hrsp5xx = 0;
  hrspOther = 0;
}

/**
 * Compression of a frontend's or a backend's responses (comp_in, comp_out, comp_byp, comp_rsp),
 * kept apart from the other counters: a frontend's lives with its compression settings.
 */
export class CompressionCounters {
  /** Body bytes that went into an encoder (comp_in). */
  compIn = 0;
  /** Encoded bytes that came out, chunk framing not counted (comp_out). */
  compOut = 0;
  /** Body bytes of responses sent uncompressed although compression was configured (comp_byp). */
  compByp = 0;
  /** Responses compressed (comp_rsp). */
  compRsp = 0;
  /** Responses sent uncompressed although compression was configured (no HAProxy field). */
  bypassed = 0;
}

/** The whole process's counters (HAProxy's `show info`). */
export class ProcessCounters {
  /** Connections accepted into a session slot (CumConns). */
  connTot = 0;
  /** HTTP requests received (CumReq). */
  reqTot = 0;
  /** Access log lines dropped because the log output could not keep up (DroppedLogs). */
  droppedLogs = 0;
}

/** Counts one response of status `status` in `c` (hrsp_*): 100-599 by class, anything else as other. */
export function countStatus(c: StatusCounters, status: number): void {
  if (status < 100 || status >= 600) c.hrspOther++;
  else if (status < 200) c.hrsp1xx++;
  else if (status < 300) c.hrsp2xx++;
  else if (status < 400) c.hrsp3xx++;
  else if (status < 500) c.hrsp4xx++;
  else c.hrsp5xx++;
}
