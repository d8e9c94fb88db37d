/** The data a stick table may store (HAProxy's stktable_data_types): one registry entry per keyword, parsed from `store` items. */

/** How a data type is kept: a number that counts or is set, a gauge, or a period rate (three slots). */
export type DataKind = "counter" | "gauge" | "tag" | "rate";

/** One data type: its keyword, how it is kept, whether it is an array (`gpc(N)`), if it takes a period. */
export interface DataTypeDef {
  readonly name: string;
  readonly kind: DataKind;
  /** `gpc(N)`, `gpt(N)`, `gpc_rate(N,period)`: N elements. */
  readonly array: boolean;
}

const defs: DataTypeDef[] = [];
function def(name: string, kind: DataKind, array = false): void {
  defs.push({ name, kind, array });
}
def("server_id", "tag");
def("gpt0", "tag");
def("gpt", "tag", true);
def("gpc0", "counter");
def("gpc1", "counter");
def("gpc", "counter", true);
def("gpc0_rate", "rate");
def("gpc1_rate", "rate");
def("gpc_rate", "rate", true);
for (const family of ["conn", "sess", "http_req", "http_err", "http_fail"]) {
  def(`${family}_cnt`, "counter");
  if (family === "conn") def("conn_cur", "gauge");
  def(`${family}_rate`, "rate");
}
for (const family of ["bytes_in", "bytes_out"]) {
  def(`${family}_cnt`, "counter");
  def(`${family}_rate`, "rate");
}

/** Every data type by keyword: a new one is one more `def` line. */
export const DATA_TYPES: ReadonlyMap<string, DataTypeDef> = new Map(defs.map((d) => [d.name, d]));

/** A parsed `store` item: `http_req_rate(10s)` is { type, count: 1, period: 10000 }. */
export interface StoredData {
  readonly type: DataTypeDef;
  /** Elements of an array type, 1 otherwise. */
  readonly count: number;
  /** A rate's period in milliseconds, 0 otherwise. */
  readonly period: number;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000 };

/** A HAProxy time (`10s`, `500ms`, `1m`; a bare number is milliseconds) in ms, or NaN. */
export function parsePeriod(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim());
  return m ? Number(m[1]) * UNITS[m[2] ?? "ms"]! : NaN;
}

/** Parses one `store` item; throws a RangeError naming the item and what is wrong with it. */
export function parseStored(item: string): StoredData {
  const m = /^([a-z_0-9]+)(?:\((.*)\))?$/.exec(item.trim());
  const type = m ? DATA_TYPES.get(m[1]!) : undefined;
  if (!m || !type) throw new RangeError(`unknown stick table data type "${item}"`);
  const args = m[2] === undefined ? [] : m[2].split(",").map((a) => a.trim());
  const want = (type.array ? 1 : 0) + (type.kind === "rate" ? 1 : 0);
  if (args.length !== want) {
    const shape = type.array
      ? type.kind === "rate" ? `${type.name}(N,period)` : `${type.name}(N)`
      : type.kind === "rate"
      ? `${type.name}(period)`
      : type.name;
    throw new RangeError(`stick table data type "${item}": expected ${shape}`);
  }
  let count = 1;
  if (type.array) {
    count = Number(args[0]);
    if (!Number.isInteger(count) || count < 1 || count > 100) {
      throw new RangeError(`stick table data type "${item}": N must be 1 to 100`);
    }
  }
  let period = 0;
  if (type.kind === "rate") {
    period = parsePeriod(args[args.length - 1]!);
    if (!(period >= 1)) {
      throw new RangeError(`stick table data type "${item}": invalid period (e.g. 10s)`);
    }
  }
  return { type, count, period };
}

/** Each data type's index, for the per-table column maps (`TYPE_ID.get("gpc0")`). */
export const TYPE_ID: ReadonlyMap<string, number> = new Map(defs.map((d, i) => [d.name, i]));

/** The index of data type `name`; throws on a name no `def` line declares (a programming error). */
export function typeId(name: string): number {
  const id = TYPE_ID.get(name);
  if (id === undefined) throw new RangeError(`stick: no data type "${name}"`);
  return id;
}

/** Legacy single types read from their array when only the array is stored (`gpc0` → `gpc(0)`). */
export const ARRAY_FALLBACK: ReadonlyMap<number, readonly [number, number]> = new Map([
  [typeId("gpc0"), [typeId("gpc"), 0]],
  [typeId("gpc1"), [typeId("gpc"), 1]],
  [typeId("gpt0"), [typeId("gpt"), 0]],
  [typeId("gpc0_rate"), [typeId("gpc_rate"), 0]],
  [typeId("gpc1_rate"), [typeId("gpc_rate"), 1]],
]);

/** Whether `store` keeps data type `id` element `n`, directly or through its array (`gpc0` in `gpc(1)`). */
export function storesIn(store: readonly StoredData[], id: number, n = 0): boolean {
  const name = defs[id]!.name;
  if (store.some((s) => s.type.name === name && n < s.count)) return true;
  const fb = ARRAY_FALLBACK.get(id);
  return fb !== undefined && n === 0 && storesIn(store, fb[0], fb[1]);
}
