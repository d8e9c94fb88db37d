/** A track rule's memo of its last table and key: a connection's requests repeat both, so neither the Map lookup nor the address parse runs again. */
import type { Key, KeyInput } from "./keys.ts";
import type { StickTable } from "./table.ts";

/**
 * The last table found by name in a tables map, and the last sample value turned into a key of
 * the last table (one entry each: a hit is a compare, a miss costs what it cost without the memo).
 * Keys only depend on the table's type and length and on the value, so a memo never goes stale;
 * a reload brings a new tables map, which misses once.
 */
export class KeyMemo {
  #tables: ReadonlyMap<string, StickTable> | null = null;
  #table: StickTable | undefined = undefined;
  #keyTable: StickTable | null = null;
  #input: KeyInput | null = null;
  #key: Key | undefined = undefined;

  /** `tables.get(name)`, remembered while `tables` is the same map. */
  table(tables: ReadonlyMap<string, StickTable>, name: string): StickTable | undefined {
    if (tables !== this.#tables) {
      this.#tables = tables;
      this.#table = tables.get(name);
    }
    return this.#table;
  }

  /** `t.key(v)`, remembered for the last string or number `v` (byte arrays are converted each time). */
  key(t: StickTable, v: KeyInput): Key | undefined {
    if (v === this.#input && t === this.#keyTable) return this.#key;
    const k = t.key(v);
    if (typeof v === "string" || typeof v === "number") {
      this.#input = v;
      this.#keyTable = t;
      this.#key = k;
    }
    return k;
  }
}
