/** Access log lines in HAProxy's httplog and tcplog formats, or JSON, built from one record per request or connection. */

/** What one log line says; times in milliseconds, -1 where a phase was not reached. */
export interface AccessRecord {
  clientIp: string;
  clientPort: number;
  /** When the connection was accepted (tcplog) or the request began (httplog), ms since the epoch. */
  start: number;
  frontend: string;
  backend: string;
  /** The server's name, or "<NOSRV>". */
  server: string;
  /** Time to receive the whole request head (TR). */
  tr: number;
  /** Time spent waiting in queues (Tw). */
  tw: number;
  /** Time to connect to the server (Tc). */
  tc: number;
  /** Time from request sent to response head received (Tr). */
  tresp: number;
  /** Total active time (Ta for httplog, Tt for tcplog). */
  ta: number;
  status: number;
  /** Bytes sent to the client. */
  bytes: number;
  /** Termination state, two characters (e.g. "--", "SD", "cR"). */
  termination: string;
  /** The phase it ended in (docs/architecture.md's names: "connect", "wait-response", …; "log" when it ended normally). */
  phase: string;
  actconn: number;
  feconn: number;
  beconn: number;
  srvconn: number;
  retries: number;
  srvQueue: number;
  beQueue: number;
  /** The request line as received ("GET / HTTP/1.1"), or "<BADREQ>". */
  request: string;
  /** HTTP only: the client's protocol version, "1.0", "1.1" or "2.0" (the JSON log carries it). */
  version?: string | undefined;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
let cachedSecond = -1;
let cachedPrefix = "";

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** `25/Nov/2026:10:00:00.123` in UTC; the part up to the second is computed once per second. */
export function logDate(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    const d = new Date(second * 1000);
    cachedSecond = second;
    cachedPrefix = `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
      `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.`;
  }
  return cachedPrefix + pad(ms - second * 1000, 3);
}

/** `%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %{+Q}r` */
export function httplog(r: AccessRecord): string {
  return `${r.clientIp}:${r.clientPort} [${
    logDate(r.start)
  }] ${r.frontend} ${r.backend}/${r.server} ` +
    `${r.tr}/${r.tw}/${r.tc}/${r.tresp}/${r.ta} ${r.status} ${r.bytes} - - ${r.termination}-- ` +
    `${r.actconn}/${r.feconn}/${r.beconn}/${r.srvconn}/${r.retries} ${r.srvQueue}/${r.beQueue} ` +
    `"${r.request}"`;
}

/** `%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq` */
export function tcplog(r: AccessRecord): string {
  return `${r.clientIp}:${r.clientPort} [${
    logDate(r.start)
  }] ${r.frontend} ${r.backend}/${r.server} ` +
    `${r.tw}/${r.tc}/${r.ta} ${r.bytes} ${r.termination} ` +
    `${r.actconn}/${r.feconn}/${r.beconn}/${r.srvconn}/${r.retries} ${r.srvQueue}/${r.beQueue}`;
}

/** One JSON object per line with the same fields. */
export function jsonlog(r: AccessRecord): string {
  return JSON.stringify({ ...r, time: new Date(r.start).toISOString() });
}

export const accessFormats = { httplog, tcplog, json: jsonlog } as const;
export type AccessFormat = keyof typeof accessFormats | "off";
