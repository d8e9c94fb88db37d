/** One proxy's table on the stats page: its frontend, server and backend rows, and the admin form of a backend. */
import type { BackendView, ServerView } from "../views.ts";
import type { FieldLine } from "./lines.ts";
import { STATE_CLASS } from "./html_style.ts";

/** Text made safe for HTML content and attribute values. */
export function esc(v: string | number): string {
  return String(v).replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** HAProxy's short human duration of `sec` seconds: 45s, 5m12s, 2h03m, 3d4h. */
export function humanTime(sec: number): string {
  if (sec < 60) return `${sec}s`;
  if (sec < 3600) return `${Math.floor(sec / 60)}m${String(sec % 60).padStart(2, "0")}s`;
  if (sec < 86400) {
    return `${Math.floor(sec / 3600)}h${String(Math.floor(sec / 60) % 60).padStart(2, "0")}m`;
  }
  return `${Math.floor(sec / 86400)}d${Math.floor(sec / 3600) % 24}h`;
}

/** The column groups and columns of a proxy table (label, HAProxy field or a cell function). */
type Cell = (l: FieldLine) => string;
const f = (name: string): Cell => (l) => esc(l.fields.get(name) ?? "");
const GROUPS: [string, [string, Cell][]][] = [
  ["Queue", [["Cur", f("qcur")], ["Max", f("qmax")], ["Limit", f("qlimit")]]],
  ["Sessions", [
    ["Cur", f("scur")],
    ["Max", f("smax")],
    ["Limit", f("slim")],
    ["Total", f("stot")],
    ["LbTot", f("lbtot")],
  ]],
  ["Bytes", [["In", f("bin")], ["Out", f("bout")]]],
  ["Denied", [["Req", f("dreq")], ["Resp", f("dresp")]]],
  ["Errors", [["Req", f("ereq")], ["Conn", f("econ")], ["Resp", f("eresp")]]],
  ["Warnings", [["Retr", f("wretr")], ["Redis", f("wredis")]]],
  ["Server", [
    ["Status", statusCell],
    ["LastChk", lastCheckCell],
    ["Wght", f("weight")],
    ["Act", actCell("act")],
    ["Bck", actCell("bck")],
    ["Chk", f("chkfail")],
    ["Dwn", f("chkdown")],
  ]],
];

/** Status with the time since the last change, as HAProxy's page shows it ("5m12s UP"). */
function statusCell(l: FieldLine): string {
  const st = String(l.fields.get("status") ?? "");
  const age = l.fields.get("lastchg");
  return esc(age === undefined ? st : `${humanTime(Number(age))} ${st}`);
}

/** The last check: short status, code, duration ("L7OK/200 in 3ms"), its description as a tooltip. */
function lastCheckCell(l: FieldLine): string {
  const st = l.fields.get("check_status");
  if (st === undefined) return "";
  const code = l.fields.get("check_code");
  const ms = l.fields.get("check_duration");
  const text = `${st}${code === undefined ? "" : `/${code}`}${
    ms === undefined ? "" : ` in ${ms}ms`
  }`;
  const tip = [l.fields.get("check_desc"), l.fields.get("last_chk")].filter((x) => x !== undefined);
  return `<span title="${esc(tip.join(": "))}">${esc(text)}</span>`;
}

/** Act/Bck: Y or - on a server line (HAProxy's page), the count on the backend line. */
function actCell(name: "act" | "bck"): Cell {
  return (l) => {
    const v = l.fields.get(name);
    if (v === undefined) return "";
    return l.scope === "server" ? (v === 1 ? "Y" : "-") : esc(v);
  };
}

/** The row class: the kind of line, and a server's state colour. */
function rowClass(l: FieldLine): string {
  if (l.scope !== "server") return l.scope;
  const s = l.view as ServerView;
  const st = String(l.fields.get("status") ?? "");
  const word = st.startsWith("UP ")
    ? "UP going down"
    : st.startsWith("DOWN ")
    ? "DOWN going up"
    : st.split(" ")[0]!;
  return `${s.backup ? "backup " : ""}${STATE_CLASS[word] ?? STATE_CLASS[st] ?? ""}`;
}

function headRows(name: string, admin: boolean): string {
  const span = GROUPS.reduce((n, [, cols]) => n + cols.length, 0) + 1 + (admin ? 1 : 0);
  let top = "<tr>" + (admin ? '<th rowspan="2"></th>' : "") + '<th rowspan="2"></th>';
  let sub = "<tr>";
  for (const [g, cols] of GROUPS) {
    top += `<th colspan="${cols.length}">${g}</th>`;
    for (const [c] of cols) sub += `<th>${c}</th>`;
  }
  return `<tr><th class="pxname" colspan="${span}">${esc(name)}</th></tr>${top}</tr>${sub}</tr>`;
}

function bodyRow(l: FieldLine, admin: boolean): string {
  let row = `<tr class="${rowClass(l)}">`;
  if (admin) {
    row += l.scope === "server"
      ? `<td><input type="checkbox" name="s" value="${esc(l.svname)}"></td>`
      : "<td></td>";
  }
  row += `<td class="name">${
    esc(l.scope === "server" ? l.svname : l.svname === "FRONTEND" ? "Frontend" : "Backend")
  }</td>`;
  for (const [, cols] of GROUPS) {
    for (const [label, cell] of cols) {
      row += `<td${label === "Status" ? ' class="st"' : ""}>${cell(l)}</td>`;
    }
  }
  return row + "</tr>";
}

/** HAProxy's admin actions (the `action` field of its stats page form). */
const ACTIONS: [string, string][] = [
  ["", "Choose an action"],
  ["ready", "Set state to READY"],
  ["drain", "Set state to DRAIN"],
  ["maint", "Set state to MAINT"],
  ["dhlth", "Health: disable checks"],
  ["ehlth", "Health: enable checks"],
  ["hrunn", "Health: force UP"],
  ["hnolb", "Health: force NOLB"],
  ["hdown", "Health: force DOWN"],
  ["shutdown", "Kill Sessions"],
];

function adminControls(b: BackendView): string {
  const opts = ACTIONS.map(([v, t]) =>
    `<option value="${v}"${v === "" ? " selected" : ""}>${t}</option>`
  ).join("");
  return `<div class="admin">Choose the action to perform on the checked servers: ` +
    `<select name="action">${opts}</select> ` +
    `<input type="hidden" name="b" value="${
      esc(b.name)
    }"><input type="submit" value="Apply"></div>`;
}

/**
 * The table of one proxy name: its lines (a frontend, or a backend's servers then the backend).
 * With `admin` and a backend, the table sits in a form POSTing `s`, `action`, `b` to `uri`.
 */
export function proxyTable(
  name: string,
  lines: readonly FieldLine[],
  admin: boolean,
  uri: string,
): string {
  const backend = lines.find((l) => l.scope === "backend")?.view as BackendView | undefined;
  const form = admin && backend !== undefined;
  const rows = lines.map((l) => bodyRow(l, form)).join("\n");
  const table = `<table>${headRows(name, form)}\n${rows}</table>`;
  if (!form) return `<div class="px">${table}</div>`;
  return `<div class="px"><form method="post" action="${esc(uri)}">${table}${
    adminControls(backend)
  }</form></div>`;
}
