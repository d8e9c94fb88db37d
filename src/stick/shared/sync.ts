/** The loop sharing stick tables through Redis: every `syncInterval` one pipeline for every shared table; while Redis is down the tables serve on local counters. */
import { getLogger } from "@logtape/logtape";
import { RedisClient, type RedisClientOptions } from "../../redis/client.ts";
import type { Command } from "../../redis/resp.ts";
import type { Runtime } from "../../runtime/types.ts";
import type { StickTable } from "../table.ts";
import { batchDone, batchFailed, cutBatch, type SyncSettings, type TableBatch } from "./batch.ts";
import { SharedStickTable } from "./shared_table.ts";

const log = getLogger(["tsproxy", "shared"]);

/** The `shared` section, checked: where Redis is and how often to sync. */
export interface SharedPlan extends SyncSettings {
  readonly redis: RedisClientOptions["target"];
  /** The URL with its password masked, for the log. */
  readonly where: string;
  readonly syncInterval: number;
  readonly tls?: RedisClientOptions["tls"];
  readonly connectTimeout: number;
  /** Server admin states and weights shared too (`shared.serverState`). */
  readonly serverState: boolean;
}

/**
 * Something else shared in the same pipeline as the tables (server states): its commands at each
 * sync, then their replies, or `failed` when Redis did not answer.
 */
export interface SyncPart {
  commands(now: number): Command[];
  /** Must not throw. */
  done(replies: readonly unknown[], now: number): void;
  failed(): void;
  /** Redis came back (maybe empty): write everything again. */
  resync(): void;
}

/** At most one warning about Redis in this many ms. */
const WARN_EVERY = 60_000;

/**
 * Syncs the shared tables `tables()` returns (read at each sync, so a reload's tables are
 * followed). One sync at a time: a sync still waiting for Redis makes the next tick skip.
 */
export class SharedSync {
  readonly #plan: SharedPlan;
  readonly #tables: () => Iterable<StickTable>;
  readonly #client: RedisClient;
  readonly #clock: () => number;
  readonly #part: SyncPart | null;
  #timer: ReturnType<typeof setInterval> | undefined;
  #busy = false;
  #lastWarn = -Infinity;
  #wasUp = false;
  /** Fields seen stale in replies, per Redis key, deleted by the next batch. */
  readonly #stale = new Map<SharedStickTable, Map<string, string[]>>();

  constructor(
    runtime: Pick<Runtime, "connect" | "connectTls">,
    plan: SharedPlan,
    tables: () => Iterable<StickTable>,
    clock: () => number = Date.now,
    part: SyncPart | null = null,
  ) {
    this.#plan = plan;
    this.#part = part;
    this.#tables = tables;
    this.#clock = clock;
    this.#client = new RedisClient(runtime, {
      target: plan.redis,
      ...(plan.tls ? { tls: plan.tls } : {}),
      connectTimeoutMs: plan.connectTimeout,
      replyTimeoutMs: Math.max(1000, plan.syncInterval * 10),
      onState: (up, why) => this.#state(up, why),
    });
  }

  /** Connects and starts the periodic sync. */
  start(): void {
    this.#client.start();
    this.#timer = setInterval(() => void this.sync(), this.#plan.syncInterval);
  }

  /** Stops syncing and closes the connection. */
  stop(): void {
    clearInterval(this.#timer);
    this.#client.close();
  }

  /** The shared tables now. */
  shared(): SharedStickTable[] {
    const out: SharedStickTable[] = [];
    for (const t of this.#tables()) if (t instanceof SharedStickTable) out.push(t);
    return out;
  }

  /** One sync: every shared table's batch in one pipeline; resolves when it was applied or failed. */
  async sync(): Promise<void> {
    if (this.#busy) return;
    const tables = this.shared();
    if (!this.#client.up) {
      for (const t of tables) t.state.up = false;
      if (tables.some((t) => t.unsynced > 0)) this.#warn("down, serving on local counters");
      return;
    }
    const now = this.#clock();
    const batches: TableBatch[] = [];
    for (const t of tables) {
      let stale = this.#stale.get(t);
      if (stale === undefined) this.#stale.set(t, stale = new Map());
      const b = cutBatch(t, this.#plan, now, stale);
      if (b !== null) batches.push(b);
    }
    const extra = this.#part?.commands(now) ?? [];
    if (batches.length === 0 && extra.length === 0) return;
    const commands: Command[] = batches.flatMap((b) => b.commands).concat(extra);
    this.#busy = true;
    try {
      const replies = await this.#client.pipeline(commands);
      const at = this.#clock();
      let from = 0;
      for (const b of batches) {
        const mine = replies.slice(from, from += b.commands.length);
        try {
          batchDone(b, mine, at, this.#plan.prefix, this.#stale.get(b.table)!);
          b.table.state.up = true;
          b.table.state.lastSync = at;
        } catch (err) {
          batchFailed(b);
          this.#warn((err as Error).message);
        }
      }
      if (extra.length > 0) this.#part!.done(replies.slice(from), at);
    } catch (err) {
      for (const b of batches) batchFailed(b);
      if (extra.length > 0) this.#part!.failed();
      this.#warn(`sync failed: ${(err as Error).message}`);
    } finally {
      this.#busy = false;
    }
  }

  #state(up: boolean, why: string): void {
    const tables = this.shared();
    for (const t of tables) t.state.up = up;
    if (!up) return this.#warn(`down (${why}), serving on local counters`);
    if (this.#wasUp) {
      // Redis may have restarted empty: every instance writes its own values again
      let keys = 0;
      for (const t of tables) keys += (t.resyncAll(), t.dirty.size);
      this.#part?.resync();
      log.info`shared tables: ${this.#plan.where} up again, pushing ${keys} keys again`;
    } else log.info`shared tables: connected to ${this.#plan.where}`;
    this.#wasUp = true;
  }

  #warn(what: string): void {
    const now = this.#clock();
    if (now - this.#lastWarn < WARN_EVERY) return;
    this.#lastWarn = now;
    log.warn`shared tables: redis ${this.#plan.where}: ${what} (next warning in a minute at most)`;
  }
}
