/**
 * The arithmetic of shared counters, pure: an instance's own values per entry (3 slots per column),
 * the Redis hash fields it writes from them, and the others' values read back from the hash.
 *
 * Fields of the hash `prefix:table:key` (owner = instance id + "." + the entry's life there):
 * `c:NAME:OWNER` a counter's own total; `r:NAME:START:OWNER` a rate's own events in the period
 * starting at START (a multiple of the period since the epoch, so every instance agrees);
 * `g:NAME:INSTANCE` = "VALUE:DEADLINE" a gauge (conn_cur) that stops counting after DEADLINE
 * unless its instance refreshes it; `t:NAME` a tag (gpt, server_id), the last writer's.
 * Own values are written whole (HSET), so writing them twice counts nothing twice.
 */
import type { Column } from "./columns.ts";

/** Slots per column in an entry's own values. */
export const SLOTS = 3;

/** The start of the period of `period` ms holding `now`. */
export function periodStart(now: number, period: number): number {
  return now - (now % period);
}

/**
 * Adds `inc` events at `now` to an own rate at `at` ([start, current, previous], periods aligned
 * on the epoch): the period that began one period later shifts current into previous, a later one
 * drops both.
 */
export function bucketAdd(own: Float64Array, at: number, period: number, now: number, inc: number) {
  const held = own[at]!;
  // still in the period held (the usual case): no division, the start is already aligned
  if (now >= held && now - held < period) {
    own[at + 1] = own[at + 1]! + inc;
    return;
  }
  const start = periodStart(now, period);
  if (held !== start) {
    own[at + 2] = own[at] === start - period ? own[at + 1]! : 0;
    own[at + 1] = 0;
    own[at] = start;
  }
  own[at + 1] = own[at + 1]! + inc;
}

/** The own events of the period starting at `start` and of the one before it. */
export function ownRate(
  own: Float64Array,
  at: number,
  period: number,
  start: number,
): [number, number] {
  if (own[at] === start) return [own[at + 1]!, own[at + 2]!];
  if (own[at] === start - period) return [0, own[at + 1]!];
  return [0, 0];
}

/** What an entry writes: HSET field/value pairs and fields to delete. */
export interface Writes {
  readonly set: (string | number)[];
  readonly del: string[];
}

/**
 * The fields for an entry's own values. `tagDirty(i)`: column i's tag was set here since the last
 * write; gauges get `now + gaugeTtl` as their deadline (a gauge at 0 is deleted).
 */
export function ownWrites(
  cols: readonly Column[],
  own: Float64Array,
  owner: string,
  instance: string,
  now: number,
  gaugeTtl: number,
  out: Writes = { set: [], del: [] },
): Writes {
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i]!, at = i * SLOTS;
    switch (c.share) {
      case "sum":
        if (own[at] !== 0) out.set.push(`c:${c.name}:${owner}`, own[at]!);
        break;
      case "rate": {
        const start = own[at]!;
        if (own[at + 1] !== 0) out.set.push(`r:${c.name}:${start}:${owner}`, own[at + 1]!);
        if (own[at + 2] !== 0) {
          out.set.push(`r:${c.name}:${start - c.period}:${owner}`, own[at + 2]!);
        }
        break;
      }
      case "gauge":
        if (own[at] !== 0) {
          out.set.push(`g:${c.name}:${instance}`, `${own[at]}:${now + gaugeTtl}`);
          own[at + 1] = now + gaugeTtl;
        } else if (own[at + 1] !== 0) {
          out.del.push(`g:${c.name}:${instance}`);
          own[at + 1] = 0;
        }
        break;
      case "last":
        if (own[at + 1] !== 0) {
          out.set.push(`t:${c.name}`, own[at]!);
          own[at + 1] = 0;
        }
        break;
    }
  }
  return out;
}

/** Whether an entry's own gauges need their deadline renewed by `now` (half their time left). */
export function gaugeDue(cols: readonly Column[], own: Float64Array, now: number, ttl: number) {
  for (let i = 0; i < cols.length; i++) {
    const at = i * SLOTS;
    if (cols[i]!.share === "gauge" && own[at] !== 0 && own[at + 1]! - now < ttl / 2) return true;
  }
  return false;
}

/**
 * The others' part of a hash read back (HGETALL's flat field/value list): per column, slot 0 is a
 * counter's or gauge's sum, a rate's current-period events (slot 1: the previous period's), a
 * tag's value (NaN when none). Own fields (`owner`, `instance`) are left out; `stale` lists the
 * fields anyone may delete: rate periods before the previous one, gauges a minute past their
 * deadline.
 */
export function othersOf(
  cols: readonly Column[],
  byName: ReadonlyMap<string, number>,
  fields: readonly unknown[],
  owner: string,
  instance: string,
  now: number,
): { values: Float64Array; stale: string[] } {
  const values = new Float64Array(cols.length * 2);
  for (let i = 0; i < cols.length; i++) if (cols[i]!.share === "last") values[i * 2] = NaN;
  const stale: string[] = [];
  const plus = (
    at: number,
    v: string | number | undefined,
  ) => (values[at] = values[at]! + (Number(v) || 0));
  for (let f = 0; f + 1 < fields.length; f += 2) {
    const field = String(fields[f]), value = String(fields[f + 1]);
    const parts = field.split(":");
    const i = byName.get(parts[1] ?? "");
    if (i === undefined) continue;
    const c = cols[i]!;
    switch (parts[0]) {
      case "c":
        if (c.share === "sum" && parts[2] !== owner) plus(i * 2, value);
        break;
      case "r": {
        if (c.share !== "rate" || parts.length !== 4) break;
        const start = Number(parts[2]), cur = periodStart(now, c.period);
        if (start < cur - c.period) stale.push(field);
        else if (parts[3] === owner) break;
        else if (start === cur) plus(i * 2, value);
        else if (start === cur - c.period) plus(i * 2 + 1, value);
        break;
      }
      case "g": {
        if (c.share !== "gauge" || parts[2] === instance) break;
        const [v, deadline] = value.split(":").map(Number);
        if (deadline! > now) plus(i * 2, v);
        else if (deadline! + 60_000 < now) stale.push(field);
        break;
      }
      case "t":
        if (c.share === "last") values[i * 2] = Number(value);
        break;
    }
  }
  return { values, stale };
}
