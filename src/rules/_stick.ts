/** What stick table fetches, converters and actions share: the table argument, checked against the config's tables, and the readable data. */
import { DATA_TYPES, storesIn, typeId } from "../stick/data_types.ts";
import type { StickTable } from "../stick/table.ts";
import { ArgumentError, type LoadContext, type SampleContext } from "./types.ts";

/** A datum rules read: the name after `sc_`/`src_` (`get_gpc`), the data type, whether it takes an index first. */
export interface Reader {
  readonly name: string;
  /** The converter's name after `table_` (`gpc` for `get_gpc`). */
  readonly conv: string;
  readonly id: number;
  readonly indexed: boolean;
  /** 1024 for kbytes_*, else 1. */
  readonly div: number;
  readonly aliases?: readonly string[];
}

function reader(name: string, data = name, indexed = false, div = 1, aliases?: string[]): Reader {
  const conv = name.startsWith("get_") ? name.slice(4) : name;
  return { name, conv, id: typeId(data), indexed, div, ...(aliases ? { aliases } : {}) };
}

/** Every datum the sc_*, src_* fetches and table_* converters read: one line each. */
export const READERS: readonly Reader[] = [
  ...[
    "conn_cnt",
    "conn_cur",
    "conn_rate",
    "sess_cnt",
    "sess_rate",
    "http_req_cnt",
    "http_req_rate",
    "http_err_cnt",
    "http_err_rate",
    "http_fail_cnt",
    "http_fail_rate",
    "bytes_in_rate",
    "bytes_out_rate",
    "gpc0_rate",
    "gpc1_rate",
    "server_id",
  ].map((n) => reader(n)),
  reader("kbytes_in", "bytes_in_cnt", false, 1024),
  reader("kbytes_out", "bytes_out_cnt", false, 1024),
  reader("get_gpc0", "gpc0", false, 1, ["gpc0"]),
  reader("get_gpc1", "gpc1", false, 1, ["gpc1"]),
  reader("get_gpt0", "gpt0"),
  reader("get_gpc", "gpc", true),
  reader("gpc_rate", "gpc_rate", true),
  reader("get_gpt", "gpt", true),
];

/**
 * The table named by argument `index` (or the section's own table when `text` is absent),
 * checked to exist and, for `r`, to store what it reads. Without the config's tables (rules
 * compiled alone) a name is taken as it is.
 */
export function tableArg(
  text: string | undefined,
  index: number,
  load: LoadContext,
  r?: Reader,
  elem = 0,
): string {
  const name = text === undefined || text === "" ? load.stickTable : text;
  if (name === undefined) {
    throw new ArgumentError(
      load.stickTables
        ? "no stick table in this section: name one (e.g. src_conn_cur(per_ip))"
        : "needs a stick table name",
      index,
    );
  }
  const spec = load.stickTables?.get(name);
  if (load.stickTables && spec === undefined) {
    const known = [...load.stickTables.keys()].join(", ") || "none";
    throw new ArgumentError(`unknown stick table "${name}" (tables: ${known})`, index);
  }
  if (spec && r && !storesIn(spec.store, r.id, elem)) {
    const type = [...DATA_TYPES.values()][r.id]!;
    throw new ArgumentError(
      `stick table "${name}" does not store ${type.name}${type.array ? `(${elem})` : ""}`,
      index,
    );
  }
  return name;
}

/** Table `name` of the running proxy, or undefined. */
export function tableOf(ctx: SampleContext, name: string): StickTable | undefined {
  return ctx.stick?.tables.get(name);
}

/** Reads `r` (element `elem`) of entry `e` of `t`; 0 when there is no entry; undefined when not stored. */
export function readEntry(t: StickTable, e: number, r: Reader, elem: number): number | undefined {
  if (e < 0) return t.stores(r.id, elem) ? 0 : undefined;
  const v = t.read(e, r.id, elem);
  return v === undefined ? undefined : r.div === 1 ? v : Math.floor(v / r.div);
}
