/** Test helpers for balancers: servers whose state a test sets, pick contexts with distinct keys, a seeded random. */
import type { LbServer, PickContext, PickHttp } from "../../../src/lb/types.ts";

/** A server as a balancer sees it, with state a test changes directly. */
export class FakeServer implements LbServer {
  readonly name: string;
  id: number;
  weight: number;
  backup: boolean;
  cur = 0;
  maxconn: number;
  up = true;
  /** What `effectiveWeight` reports when set (a server warming up); `weight` otherwise. */
  effective: number | undefined = undefined;

  constructor(
    name: string,
    o: Partial<Pick<FakeServer, "id" | "weight" | "backup" | "maxconn">> = {},
  ) {
    this.name = name;
    this.id = o.id ?? 0;
    this.weight = o.weight ?? 1;
    this.backup = o.backup ?? false;
    this.maxconn = o.maxconn ?? 0;
  }

  /** Like `Server.effectiveWeight`: `effective` when a test set it, else `weight`. */
  get effectiveWeight(): number {
    return this.effective ?? this.weight;
  }

  /** Like `Server.usable`: up and below its maxconn. */
  get usable(): boolean {
    return this.up && (this.maxconn === 0 || this.cur < this.maxconn);
  }
}

/** Servers named `names`, ids 1, 2, … in order, with `weights` when given (else 1). */
export function farm(names: string[], weights: number[] = []): FakeServer[] {
  return names.map((n, i) => new FakeServer(n, { id: i + 1, weight: weights[i] ?? 1 }));
}

/** An HTTP request view from a target and headers (names in lower case). */
export function request(target: string, headers: Record<string, string> = {}): PickHttp {
  const q = target.indexOf("?");
  const before = q < 0 ? target : target.slice(0, q);
  const abs = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(before);
  return {
    method: "GET",
    target,
    path: abs ? before.slice(abs[0].length) || "/" : before,
    query: q < 0 ? "" : target.slice(q + 1),
    header: (lname) => headers[lname],
  };
}

/**
 * A context whose every key differs with `i`: client address, path, `userid` parameter, `x-user`
 * and `host` headers, and a precomputed key, so every hash-based algorithm sees a new key.
 */
export function contextFor(i: number): PickContext {
  return {
    src: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    key: `key-${i}`,
    http: request(`/item/${i}/view?userid=${i}&x=1`, {
      "x-user": `user-${i}`,
      host: `www.site${i}.example`,
    }),
  };
}

/** mulberry32: a seeded source of numbers in [0, 1), so `random` tests repeat. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How many picks went to each server name. */
export function tally(names: (string | undefined)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n ?? "-", (counts.get(n ?? "-") ?? 0) + 1);
  return counts;
}
