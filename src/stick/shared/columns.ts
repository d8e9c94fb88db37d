/** The columns of a shared table (one per stored data type element) and how each is shared: summed, per period, per instance, or last writer. */
import { ARRAY_FALLBACK, DATA_TYPES, type StoredData, TYPE_ID } from "../data_types.ts";

/** How a column's value is made from every instance's: see `docs/architecture.md`, shared tables. */
export type Share = "sum" | "rate" | "gauge" | "last";

/** One column: a data type element, its field name in Redis and how it is shared. */
export interface Column {
  readonly id: number;
  readonly n: number;
  /** `http_req_cnt`, `gpc.1` (an array element), the base of its Redis fields. */
  readonly name: string;
  readonly share: Share;
  /** A rate's period in ms, 0 otherwise. */
  readonly period: number;
}

const SHARE = { counter: "sum", rate: "rate", gauge: "gauge", tag: "last" } as const;
const KIND_COUNT = DATA_TYPES.size;

/** The columns of a table storing `store`, and where each data type's first column is. */
export interface Columns {
  readonly list: readonly Column[];
  /** Column index of data type id's element 0, -1 when not stored (fallbacks resolved by `at`). */
  readonly base: Int32Array;
  /** Column index of data type `id` element `n`, resolving `gpc0` to `gpc(0)`; -1 when not stored. */
  at(id: number, n: number): number;
}

/** Lays out the columns of `store` in its order. */
export function columnsOf(store: readonly StoredData[]): Columns {
  const list: Column[] = [];
  const base = new Int32Array(KIND_COUNT).fill(-1);
  const count = new Int32Array(KIND_COUNT);
  for (const s of store) {
    const id = TYPE_ID.get(s.type.name)!;
    base[id] = list.length;
    count[id] = s.count;
    for (let n = 0; n < s.count; n++) {
      list.push({
        id,
        n,
        name: s.type.array ? `${s.type.name}.${n}` : s.type.name,
        share: SHARE[s.type.kind],
        period: s.period,
      });
    }
  }
  return {
    list,
    base,
    at(id, n) {
      if (base[id]! < 0) {
        const fb = ARRAY_FALLBACK.get(id);
        if (fb === undefined || n !== 0) return -1;
        [id, n] = fb;
        if (base[id]! < 0) return -1;
      }
      return n >= 0 && n < count[id]! ? base[id]! + n : -1;
    },
  };
}
