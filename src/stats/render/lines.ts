/** The stats lines of a running proxy with every column tsproxy fills: the metrics table's rows plus the non-numeric columns. */
import { readRows } from "../snapshot.ts";
import type { BackendView, FrontendView, ProxyView, Scope, ServerView } from "../views.ts";
import { backendStatus, checkShort, serverStatus, showsCheckCode } from "./status.ts";

/** One frontend, backend or server line: HAProxy's column name → value (absent: HAProxy's empty). */
export interface FieldLine {
  readonly scope: Exclude<Scope, "process">;
  /** HAProxy's objType in JSON output. */
  readonly objType: "Frontend" | "Backend" | "Server";
  readonly pxname: string;
  readonly svname: string;
  /** The proxy's id (iid) and the server's (sid, 0 for FRONTEND and BACKEND). */
  readonly iid: number;
  readonly sid: number;
  readonly fields: ReadonlyMap<string, string | number>;
  /** The view the line was read from. */
  readonly view: FrontendView | BackendView | ServerView;
}

/** Numbers HAProxy leaves empty when they are 0 on a server (no limit configured). */
const EMPTY_WHEN_ZERO = new Set(["slim", "qlimit"]);
/** Health counters HAProxy leaves empty for a server without checks. */
const CHECK_ONLY = new Set(["chkfail", "chkdown", "hanafail"]);

function numbers<S extends Exclude<Scope, "process">>(
  scope: S,
  x: S extends "server" ? ServerView : S extends "backend" ? BackendView : FrontendView,
  now: number,
  out: Map<string, string | number>,
): void {
  for (const { row, value } of readRows(scope, x as never, now)) {
    if (row.haproxyField !== null) out.set(row.haproxyField, value);
  }
}

function key(out: Map<string, string | number>, px: string, sv: string, iid: number, sid: number) {
  out.set("pxname", px);
  out.set("svname", sv);
  out.set("pid", 1);
  out.set("iid", iid);
  out.set("sid", sid);
}

function frontendLine(f: FrontendView, iid: number, now: number): FieldLine {
  const fields = new Map<string, string | number>();
  key(fields, f.name, "FRONTEND", iid, 0);
  numbers("frontend", f, now, fields);
  fields.set("status", "OPEN");
  fields.set("type", 0);
  fields.set("mode", f.mode);
  return {
    scope: "frontend",
    objType: "Frontend",
    pxname: f.name,
    svname: "FRONTEND",
    iid,
    sid: 0,
    fields,
    view: f,
  };
}

function serverLine(b: BackendView, s: ServerView, iid: number, now: number): FieldLine {
  const fields = new Map<string, string | number>();
  key(fields, b.name, s.name, iid, s.id);
  numbers("server", s, now, fields);
  for (const c of EMPTY_WHEN_ZERO) if (fields.get(c) === 0) fields.delete(c);
  if (!s.checked) { for (const c of CHECK_ONLY) fields.delete(c); }
  fields.set("status", serverStatus(s));
  fields.set("act", s.backup ? 0 : 1);
  fields.set("bck", s.backup ? 1 : 0);
  fields.set("type", 2);
  const c = s.lastCheck;
  if (s.checked) {
    fields.set("check_rise", s.checkRise);
    fields.set("check_fall", s.checkFall);
    fields.set("check_health", s.checkHealth);
  }
  if (s.checked && c !== null) {
    fields.set("check_status", checkShort(c.status));
    if (showsCheckCode(c.status) && c.code !== undefined) fields.set("check_code", c.code);
    if (c.durationMs >= 0) fields.set("check_duration", c.durationMs);
    fields.set("check_desc", c.status);
    if (c.info !== undefined) fields.set("last_chk", c.info);
  }
  fields.set("addr", s.address);
  fields.set("mode", b.mode);
  return {
    scope: "server",
    objType: "Server",
    pxname: b.name,
    svname: s.name,
    iid,
    sid: s.id,
    fields,
    view: s,
  };
}

function backendLine(b: BackendView, iid: number, now: number): FieldLine {
  const fields = new Map<string, string | number>();
  key(fields, b.name, "BACKEND", iid, 0);
  numbers("backend", b, now, fields);
  fields.set("status", backendStatus(b));
  fields.set("type", 1);
  fields.set("mode", b.mode);
  fields.set("algo", b.algo);
  return {
    scope: "backend",
    objType: "Backend",
    pxname: b.name,
    svname: "BACKEND",
    iid,
    sid: 0,
    fields,
    view: b,
  };
}

/**
 * Every frontend, server and backend line in HAProxy's order (frontends first, then each backend's
 * servers followed by the backend). Proxies are numbered from 1 in that order (iid).
 */
export function fieldLines(proxy: ProxyView, now: number): FieldLine[] {
  const out: FieldLine[] = [];
  let iid = 0;
  for (const f of proxy.frontends) out.push(frontendLine(f, ++iid, now));
  for (const b of proxy.backends.values()) {
    ++iid;
    for (const s of b.servers) out.push(serverLine(b, s, iid, now));
    out.push(backendLine(b, iid, now));
  }
  return out;
}
