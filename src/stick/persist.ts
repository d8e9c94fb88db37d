/** Sticking rules at run time (HAProxy's process_sticking_rules and process_store_rules): the server a key found, the server a request stores. */
import { typeId } from "./data_types.ts";
import type { Key, KeyInput } from "./keys.ts";
import type { StickTable } from "./table.ts";

const SERVER_ID = typeId("server_id");

/** Stores per request (or per response) at most, as HAProxy's. */
export const MAX_STORES = 8;

/** One `stick` line with its table resolved; `C` is the rules' sample context. */
export interface PersistRule<C> {
  /** Looks the key up before balancing (`match`, `on`). */
  readonly match: boolean;
  /** Stores the key with the chosen server (`store-request`, `on`) or from the response. */
  readonly store: "request" | "response" | null;
  readonly table: StickTable;
  /** The key's sample value, undefined when there is none (the rule is skipped). */
  key(ctx: C): KeyInput | undefined;
  /** The line's condition; null: always. */
  readonly test: ((ctx: C) => boolean) | null;
}

/** The keys one direction of a request will store: at most 8, one per table (the first rule's). */
export class StickStores {
  n = 0;
  readonly tables: StickTable[] = [];
  readonly keys: Key[] = [];

  /** Whether a key for `t` is pending already. */
  has(t: StickTable): boolean {
    for (let i = 0; i < this.n; i++) if (this.tables[i] === t) return true;
    return false;
  }

  add(t: StickTable, k: Key): void {
    this.tables[this.n] = t;
    this.keys[this.n++] = k;
  }
}

/**
 * A backend's sticking rules. `onRequest` runs the match and store-request rules in order before
 * balancing; `store` keeps the chosen server's id under the pending keys; `onResponse` runs the
 * store-response rules and stores at once.
 *
 * @example
 * ```ts
 * const p = new Persistence([{ match: true, store: "request", table, key: (c) => c.src, test: null }]);
 * const stores = new StickStores();
 * const id = p.onRequest(ctx, (id) => servers[id - 1]!.usable, false, stores); // 0: balance
 * p.store(stores, chosen.id);
 * ```
 */
export class Persistence<C> {
  readonly #request: readonly PersistRule<C>[];
  readonly #response: readonly PersistRule<C>[];

  constructor(rules: readonly PersistRule<C>[]) {
    this.#request = rules.filter((r) => r.match || r.store === "request");
    this.#response = rules.filter((r) => r.store === "response");
  }

  /** Whether store-response rules exist (the response is then read for them). */
  get storesResponse(): boolean {
    return this.#response.length > 0;
  }

  /**
   * The request's rules, in order: the first match whose key is in its table with a server
   * `accepts(id)` takes (unless `assigned`: a persistence cookie chose already); every entry
   * matched is renewed. A store rule whose table already has a key pending is skipped whole, its
   * condition not evaluated (HAProxy's). Returns the server id, or 0: balance.
   */
  onRequest(
    ctx: C,
    accepts: (id: number) => boolean,
    assigned: boolean,
    stores: StickStores,
  ): number {
    let found = 0;
    for (const r of this.#request) {
      if (r.store !== null && stores.has(r.table)) continue;
      if (r.test !== null && !r.test(ctx)) continue;
      const v = r.key(ctx);
      const k = v === undefined ? undefined : r.table.key(v);
      if (k === undefined) continue;
      if (r.match) {
        const e = r.table.lookup(k);
        if (e >= 0) {
          if (found === 0 && !assigned) {
            const id = r.table.read(e, SERVER_ID) ?? 0;
            if (id > 0 && accepts(id)) found = id;
          }
          r.table.touch(e);
        }
      }
      if (r.store !== null && stores.n < MAX_STORES) stores.add(r.table, k);
    }
    return found;
  }

  /** Keeps `serverId` under each pending key (created, or renewed and overwritten). */
  store(stores: StickStores, serverId: number): void {
    for (let i = 0; i < stores.n; i++) {
      const t = stores.tables[i]!;
      const e = t.get(stores.keys[i]!);
      if (e >= 0) t.set(e, SERVER_ID, 0, serverId);
    }
  }

  /** The store-response rules on the response in `ctx`: keys stored with `serverId` now. */
  onResponse(ctx: C, serverId: number): void {
    const stores = new StickStores();
    for (const r of this.#response) {
      if (stores.n >= MAX_STORES || stores.has(r.table)) continue;
      if (r.test !== null && !r.test(ctx)) continue;
      const v = r.key(ctx);
      const k = v === undefined ? undefined : r.table.key(v);
      if (k !== undefined) stores.add(r.table, k);
    }
    this.store(stores, serverId);
  }
}
