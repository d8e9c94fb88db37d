/** One sync of one shared table as Redis commands: own values written (HSET, HDEL, PEXPIRE), active keys read back (HGETALL), and what to do with the replies. */
import type { Command, RespValue } from "../../redis/resp.ts";
import { RespError } from "../../redis/resp.ts";
import type { Key } from "../keys.ts";
import type { KeyType } from "../keys.ts";
import { gaugeDue, ownWrites, SLOTS, type Writes } from "./merge.ts";
import type { SharedStickTable, SyncEntry } from "./shared_table.ts";

/** Settings of a sync, from the config's `shared` section. */
export interface SyncSettings {
  /** Put before `table:key` in every Redis key. */
  readonly prefix: string;
  /** How long an instance's gauge counts without being renewed (its death is noticed after this). */
  readonly gaugeTtl: number;
  /** How long an entry is read back after its last local change. */
  readonly readWindow: number;
  /** The most keys one sync of one table writes or reads. */
  readonly maxKeys: number;
}

/** A batch cut from a table: its commands, and per entry what it wrote and where its read reply sits. */
export interface TableBatch {
  readonly table: SharedStickTable;
  readonly commands: Command[];
  readonly entries: { s: SyncEntry; writes: Writes | null; read: number }[];
  /** Local changes this batch acknowledges when applied. */
  readonly changes: number;
}

function hex(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) out += s.charCodeAt(i).toString(16).padStart(2, "0");
  return out;
}

/** A key as text in a Redis key: IPv4 dotted, IPv6 and binary in hex, integers and strings as they are. */
export function keyText(type: KeyType, key: Key): string {
  if (type === "ip") {
    const n = key as number;
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  if (type === "ipv6" || type === "binary") return hex(key as string);
  return String(key);
}

/** The Redis key of an entry of `t`. */
export function redisKey(t: SharedStickTable, prefix: string, key: Key): string {
  return `${prefix}${t.spec.name}:${keyText(t.spec.type, key)}`;
}

/**
 * Cuts a batch: dirty entries first (oldest first), gauges due for renewal, then the recently
 * active entries to read back, at most `maxKeys` keys; `stale` fields seen in earlier replies are
 * deleted on the way. Null when there is nothing to do.
 */
export function cutBatch(
  t: SharedStickTable,
  o: SyncSettings,
  now: number,
  stale: Map<string, string[]>,
): TableBatch | null {
  const cols = t.columns.list;
  const commands: Command[] = [];
  const entries: TableBatch["entries"] = [];
  const taken = new Set<SyncEntry>();
  const write = (s: SyncEntry) => {
    const k = redisKey(t, o.prefix, s.key);
    const w = ownWrites(cols, s.own, s.owner, t.instance, now, o.gaugeTtl);
    if (w.set.length > 0) commands.push(["HSET", k, ...w.set]);
    if (w.del.length > 0) commands.push(["HDEL", k, ...w.del]);
    commands.push(["PEXPIRE", k, t.spec.expire]);
    s.readUntil = now + o.readWindow;
    t.watch.add(s);
    taken.add(s);
    return w;
  };
  for (const s of t.dirty) {
    if (taken.size >= o.maxKeys) break;
    t.dirty.delete(s);
    s.dirty = false;
    entries.push({ s, writes: write(s), read: -1 });
  }
  for (const s of t.gauged) {
    if (taken.size >= o.maxKeys) break;
    if (taken.has(s)) continue;
    if (!gaugeDue(cols, s.own, now, o.gaugeTtl)) {
      if (!s.own.some((v, i) => cols[Math.floor(i / SLOTS)]!.share === "gauge" && v !== 0)) {
        t.gauged.delete(s);
        s.gauged = false;
      }
      continue;
    }
    entries.push({ s, writes: write(s), read: -1 });
  }
  for (const s of t.watch) {
    if (s.readUntil <= now) {
      t.watch.delete(s);
      continue;
    }
    if (!taken.has(s)) {
      if (taken.size >= o.maxKeys) continue;
      taken.add(s);
      entries.push({ s, writes: null, read: -1 });
    }
  }
  for (const entry of entries) {
    entry.read = commands.length;
    commands.push(["HGETALL", redisKey(t, o.prefix, entry.s.key)]);
  }
  for (const [k, fields] of stale) commands.push(["HDEL", k, ...fields]);
  stale.clear();
  if (commands.length === 0) return null;
  return { table: t, commands, entries, changes: t.unsynced };
}

/**
 * Applies a batch's replies: each entry read back is merged into the local table, stale fields
 * are kept for the next batch to delete. Throws (so the caller calls `batchFailed`) when a write
 * got an error reply.
 */
export function batchDone(
  b: TableBatch,
  replies: readonly RespValue[],
  now: number,
  prefix: string,
  stale: Map<string, string[]>,
): void {
  const bad = replies.find((r) => r instanceof RespError) as RespError | undefined;
  if (bad) throw new Error(`table ${b.table.spec.name}: redis answered ${bad.message}`);
  for (const { s, read } of b.entries) {
    const fields = replies[read];
    if (!Array.isArray(fields)) continue;
    const old = b.table.merge(s, fields, now);
    if (old.length > 0) stale.set(redisKey(b.table, prefix, s.key), old);
  }
  b.table.unsynced = Math.max(0, b.table.unsynced - b.changes);
}

/** A batch Redis did not acknowledge: its entries' own values are queued again (whole, so nothing is lost or counted twice). */
export function batchFailed(b: TableBatch): void {
  const cols = b.table.columns.list;
  for (const { s, writes } of b.entries) {
    if (writes === null) continue;
    b.table.requeue(s);
    for (let i = 0; i < cols.length; i++) {
      const c = cols[i]!, at = i * SLOTS;
      // a tag written, a gauge deleted: written again next time
      if (c.share === "last" && writes.set.includes(`t:${c.name}`)) s.own[at + 1] = 1;
      if (c.share === "gauge" && writes.del.length > 0) s.own[at + 1] = 1;
    }
  }
}
