/** How `show table` prints a stick table (HAProxy 2.6's table_dump_head/entry_to_buffer) and reads the keys and data names its commands take. */
import { formatIPv6, parseIPv4, parseIPv6 } from "../../net/ip.ts";
import { typeId } from "../../stick/data_types.ts";
import type { Key } from "../../stick/keys.ts";
import type { StickTable } from "../../stick/table.ts";

/** HAProxy's STKTABLE_DT_* order: an entry's data is printed in this order, whatever `store` says. */
const HAPROXY_ORDER = [
  "server_id",
  "gpt0",
  "gpc0",
  "gpc0_rate",
  "conn_cnt",
  "conn_rate",
  "conn_cur",
  "sess_cnt",
  "sess_rate",
  "http_req_cnt",
  "http_req_rate",
  "http_err_cnt",
  "http_err_rate",
  "bytes_in_cnt",
  "bytes_in_rate",
  "bytes_out_cnt",
  "bytes_out_rate",
  "gpc1",
  "gpc1_rate",
  "http_fail_cnt",
  "http_fail_rate",
  "gpt",
  "gpc",
  "gpc_rate",
];

/** One printed datum of a table: its label (`gpc0_rate(5000)`) and where to read it. */
interface Column {
  readonly label: string;
  readonly id: number;
  readonly n: number;
}

const columnCache = new WeakMap<StickTable, readonly Column[]>();

/** The data `t` prints, in HAProxy's order; array elements as HAProxy names them (`gpc1`, `gpc1_rate(5000)`). */
function columns(t: StickTable): readonly Column[] {
  const known = columnCache.get(t);
  if (known) return known;
  const out: Column[] = [];
  for (const name of HAPROXY_ORDER) {
    const s = t.spec.store.find((d) => d.type.name === name);
    if (s === undefined) continue;
    const id = typeId(name);
    const period = s.period > 0 ? `(${s.period})` : "";
    for (let n = 0; n < s.count; n++) {
      const base = !s.type.array ? name : name === "gpc_rate" ? `gpc${n}_rate` : `${name}${n}`;
      out.push({ label: base + period, id, n });
    }
  }
  columnCache.set(t, out);
  return out;
}

/** The data type a `data.<name>` word names when `t` stores it directly (HAProxy's CLI has no array elements). */
export function storedType(t: StickTable, name: string): number | "unknown" | "not stored" {
  if (!HAPROXY_ORDER.includes(name) || name === "gpt" || name === "gpc" || name === "gpc_rate") {
    return "unknown";
  }
  return t.spec.store.some((d) => d.type.name === name) ? typeId(name) : "not stored";
}

/** `# table: NAME, type: T, size:N, used:M` */
export function tableHead(name: string, t: StickTable): string {
  return `# table: ${name}, type: ${t.spec.type}, size:${t.spec.size}, used:${t.entries}\n`;
}

function hex(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    out += s.charCodeAt(i).toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/** A key as HAProxy prints it: dotted quad, RFC 5952 IPv6, unsigned integer, the string, hex bytes. */
export function keyText(t: StickTable, k: Key): string {
  switch (t.spec.type) {
    case "ip": {
      const n = k as number;
      return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
    }
    case "ipv6":
      return formatIPv6(Uint8Array.from(k as string, (c) => c.charCodeAt(0)));
    case "integer":
      return String((k as number) >>> 0);
    case "string":
      return k as string;
    case "binary":
      return hex(k as string);
  }
}

/**
 * A key word of `show/set/clear table ... key K` as `t`'s key: strict text as HAProxy's inet_pton
 * and strtoul read it; undefined when it is none, "binary" for a table whose keys the CLI cannot
 * write (HAProxy's refusal).
 */
export function keyFromText(t: StickTable, text: string): Key | undefined | "binary" {
  switch (t.spec.type) {
    case "ip": {
      const n = parseIPv4(text);
      return n === null ? undefined : n;
    }
    case "ipv6": {
      const b = text.includes(":") ? parseIPv6(text) : null;
      return b === null ? undefined : t.key(text);
    }
    case "integer":
      return /^\d{1,10}$/.test(text) && Number(text) <= 0xffffffff ? Number(text) | 0 : undefined;
    case "string":
      return t.key(text);
    case "binary":
      return "binary";
  }
}

/** A stable stand-in for HAProxy's entry pointer, so lines can be told apart. */
function pointer(e: number): string {
  return "0x" + (0x7f3a10000000 + e * 0x90).toString(16);
}

/** One entry's line: `0x...: key=K use=N exp=MS name=value...`. */
export function entryLine(t: StickTable, e: number, now: number): string {
  const at = t.expiresAt(e);
  const exp = Number.isFinite(at) ? Math.max(0, Math.round(at - now)) : 0;
  let out = `${pointer(e)}: key=${keyText(t, t.keyOf(e))} use=${t.refs(e)} exp=${exp}`;
  for (const c of columns(t)) out += ` ${c.label}=${t.read(e, c.id, c.n) ?? 0}`;
  return out + "\n";
}

/** Entries in HAProxy's tree order: by key (numbers ascending, byte strings compared). */
export function sortedEntries(t: StickTable): number[] {
  const list = [...t.each()];
  const key = (e: number) => t.keyOf(e);
  if (t.spec.type === "ip" || t.spec.type === "integer") {
    return list.sort((a, b) => ((key(a) as number) >>> 0) - ((key(b) as number) >>> 0));
  }
  return list.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
