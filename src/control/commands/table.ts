/** show table / clear table / set table: HAProxy 2.6's stick table commands, answers word for word. */
import type { StickTable } from "../../stick/table.ts";
import type { Actor } from "../types.ts";
import { allowed, type Command, type ControlContext } from "./context.ts";
import { entryLine, keyFromText, sortedEntries, storedType, tableHead } from "./table_format.ts";

/** HAProxy's STKTABLE_FILTER_LEN: at most this many `data.X op N` filters. */
const FILTERS = 4;
const OPS: Readonly<Record<string, (a: number, b: number) => boolean>> = {
  eq: (a, b) => a === b,
  ne: (a, b) => a !== b,
  le: (a, b) => a <= b,
  ge: (a, b) => a >= b,
  lt: (a, b) => a < b,
  gt: (a, b) => a > b,
};
const ONLY = 'Optional argument only supports "data.<store_data_type>" <operator> <value> ' +
  "and key <key>\n";
const REQUIRED = 'Required arguments: <table> "data.<store_data_type>" <operator> <value> ' +
  "or <table> key <key>\n";

type Action = "show" | "clear" | "set";

/** One `data.X op N` filter: whether entry `e` passes. */
type Filter = (t: StickTable, e: number) => boolean;

/** An integer word as strl2llrc reads it, or null. */
function integer(word: string | undefined): number | null {
  return word !== undefined && /^[-+]?\d+$/.test(word) ? Number(word) : null;
}

/** The filters from `args` (after the table name), or HAProxy's error answer. */
function parseFilters(t: StickTable, args: readonly string[]): Filter[] | string {
  const out: Filter[] = [];
  let i = 0;
  for (; i < FILTERS; i++) {
    const word = args[3 * i];
    if (i > 0 && word === undefined) break;
    const id = storedType(t, (word ?? "").slice(5));
    const at = `Filter entry #${i + 1}: `;
    if (id === "unknown") return `${at}Unknown data type\n`;
    if (id === "not stored") return `${at}Data type not stored in this table\n`;
    const op = OPS[args[3 * i + 1] ?? ""];
    if (op === undefined) {
      return `${at}Require and operator among "eq", "ne", "le", "ge", "lt", "gt"\n`;
    }
    const value = integer(args[3 * i + 2]);
    if (value === null) return `${at}Require a valid integer value to compare against\n`;
    out.push((t, e) => op(t.read(e, id) ?? 0, value));
  }
  if (args[3 * i] !== undefined) {
    return `Detected extra data in filter, ${3 * i + 4}th word of input, after '${
      args[3 * i - 1]
    }'\n`;
  }
  return out;
}

/** `key K [data.X V]...`: show, clear or set one entry. */
function perKey(name: string, t: StickTable, action: Action, args: readonly string[]): string {
  const text = args[1];
  if (text === undefined) return "Key value expected\n";
  const key = keyFromText(t, text);
  if (key === "binary") {
    const verb = { show: "Showing", clear: "Removing", set: "Inserting" }[action];
    const prep = action === "set" ? "into" : "from";
    return `${verb} keys ${prep} tables of type other than ip, ipv6, string and integer is not supported\n`;
  }
  if (key === undefined) return action === "set" ? "Invalid key\n" : "";
  if (action !== "set") {
    const e = t.lookup(key);
    if (e < 0) return "";
    if (action === "show") return tableHead(name, t) + entryLine(t, e, t.now());
    return t.delete(e) ? "" : "Entry currently in use, cannot remove\n";
  }
  const e = t.get(key);
  if (e < 0) return "Unable to allocate a new entry\n";
  for (let i = 2; i < args.length; i += 2) {
    const word = args[i]!;
    if (!word.startsWith("data.")) return '"data.<type>" followed by a value expected\n';
    const id = storedType(t, word.slice(5));
    if (id === "unknown") return "Unknown data type\n";
    if (id === "not stored") return "Data type not stored in this table\n";
    const v = integer(args[i + 1]);
    if (v === null) return "Require an integer value\n";
    t.set(e, id, 0, v);
  }
  return "";
}

/** The whole table, or the entries the filters let through: dumped, or removed when not in use. */
function perData(name: string, t: StickTable, action: Action, filters: Filter[], full: boolean) {
  const pass = (e: number) => filters.every((f) => f(t, e));
  if (action === "clear") {
    for (const e of [...t.each()]) if (pass(e)) t.delete(e);
    return "";
  }
  let out = tableHead(name, t);
  if (!full) return out + "# contents not dumped due to insufficient privileges\n";
  const now = t.now();
  for (const e of sortedEntries(t)) if (pass(e)) out += entryLine(t, e, now);
  return out;
}

function tableCommand(action: Action, args: readonly string[], ctx: ControlContext, who: Actor) {
  const tables = ctx.proxy.tables;
  const [name, ...rest] = args;
  if (name === undefined) {
    if (action === "clear") return REQUIRED;
    if (action === "set") {
      return "Required arguments: <table> key <key> [data.<store_data_type> <value>]*\n";
    }
    // HAProxy lists the last declared table first
    return [...tables].reverse().map(([n, t]) => tableHead(n, t)).join("");
  }
  const t = tables.get(name);
  if (t === undefined) return "No such table\n";
  // HAProxy answers nothing to a change above the session's level
  if (action === "clear" && !allowed(who.level, "operator")) return "";
  if (action === "set" && !allowed(who.level, "admin")) return "";
  if (rest[0] === "key") return perKey(name, t, action, rest);
  if (rest[0] === undefined) {
    if (action === "set") return "";
    return perData(name, t, action, [], allowed(who.level, "operator"));
  }
  if (!rest[0].startsWith("data.")) return ONLY;
  const filters = parseFilters(t, rest);
  if (typeof filters === "string") return filters;
  return perData(name, t, action, filters, allowed(who.level, "operator"));
}

export const tableCommandList: readonly Command[] = [
  {
    words: ["show", "table"],
    level: "user",
    help: [
      "show table <table> [<filter>]*",
      "report table usage stats or dump this table's contents (filter: data/key)",
    ],
    changes: false,
    run: (args, ctx, actor) => tableCommand("show", args, ctx, actor),
  },
  {
    words: ["clear", "table"],
    level: "user",
    help: ["clear table <table> [<filter>]*", "remove an entry from a table (filter: data/key)"],
    changes: true,
    run: (args, ctx, actor) => tableCommand("clear", args, ctx, actor),
  },
  {
    words: ["set", "table"],
    level: "user",
    help: [
      "set table <table> key <k> [data.* <v>]*",
      "update or create a table entry's data",
    ],
    changes: true,
    run: (args, ctx, actor) => tableCommand("set", args, ctx, actor),
  },
];
