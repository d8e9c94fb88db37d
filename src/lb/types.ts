/** The balancer interface: every algorithm is one file implementing it, registered in registry.ts. */

/** What a balancer sees of a server. */
export interface LbServer {
  readonly name: string;
  /** HAProxy's server id: the 1-based position in the backend unless configured; `first` goes by it. */
  readonly id: number;
  /** Current weight, 0 to 256; a server of weight 0 is never picked. */
  readonly weight: number;
  /**
   * The weight dynamic algorithms (roundrobin, leastconn, random, consistent hashing) use now:
   * `weight`, or a fraction of it while the server warms up after coming back (slowstart). Static
   * ones (static-rr, map-based hashing) go by `weight`.
   */
  readonly effectiveWeight: number;
  /** True while the server is UP, whatever its load (a DOWN, MAINT or DRAIN server is not). */
  readonly up: boolean;
  /** False while the server is down, disabled, in maintenance or at its maxconn. */
  readonly usable: boolean;
  readonly backup: boolean;
  /** Connections open to this server now (queued ones would count too; there are none yet). */
  readonly cur: number;
  /** Most connections at once, 0 = unlimited. */
  readonly maxconn: number;
}

/** The parts of an HTTP request the HTTP balancers (`uri`, `url_param`, `hdr`, `hash`) read. */
export interface PickHttp {
  readonly method: string;
  /** The path: from the first "/" to before the "?" (scheme and authority of an absolute URI removed). */
  readonly path: string;
  /** What follows the first "?" of the target, without it; "" when there is none. */
  readonly query: string;
  /**
   * The request target as sent (HAProxy's `url`), e.g. "http://h/p?q"; when absent, the target is
   * taken as `path` + "?" + `query`.
   */
  readonly target?: string | undefined;
  /** The value of the first header named `lname` (lower case), or undefined when there is none. */
  header(lname: string): string | undefined;
}

/**
 * What a pick may look at; every field is optional so a caller passes only what it has (or nothing).
 * Algorithms read only what their `needs` declares; one whose key is missing picks round-robin.
 */
export interface PickContext {
  /** Servers already tried for this connection (skipped when another is usable). */
  readonly exclude?: ReadonlySet<LbServer> | undefined;
  /** The client's IP address as text ("192.0.2.7", "2001:db8::1"), for `source` and `hash src`. */
  readonly src?: string | undefined;
  /** The request, in HTTP mode. */
  readonly http?: PickHttp | undefined;
  /** A hash key computed by the caller (`hash EXPR`); when set, `hash` uses it as is. */
  readonly key?: string | undefined;
}

export interface Balancer<S extends LbServer = LbServer> {
  /** The next server for a connection, or null when none is usable. */
  pick(ctx?: PickContext): S | null;
}

/** What an algorithm needs from a connection, so the config check can refuse e.g. `uri` in TCP mode. */
export type BalancerNeeds = "nothing" | "address" | "http";

/** How hash-based algorithms map a key to a server (HAProxy's `hash-type`). */
export type HashType = "map-based" | "consistent";

/**
 * The function hashing a key (HAProxy's `hash-type ... <function> [avalanche]`): `fnv1a` is
 * tsproxy's own (FNV-1a with murmur3's finalizer); the others are HAProxy's, byte for byte, so with
 * map-based hashing a key lands on the server HAProxy would pick. `avalanche` mixes the result
 * with HAProxy's full_hash.
 */
export const HASH_FUNCTIONS = [
  "fnv1a",
  "sdbm",
  "djb2",
  "wt6",
  "crc32",
  "sdbm avalanche",
  "djb2 avalanche",
  "wt6 avalanche",
  "crc32 avalanche",
] as const;

export type HashFunction = (typeof HASH_FUNCTIONS)[number];

/** Backend-wide settings a balancer may use besides its own arguments. */
export interface BalancerOptions {
  /** map-based (default): key modulo the total weight; consistent: a hash ring. */
  readonly hashType?: HashType | undefined;
  /** Consistent hashing only: 0 (off) or 100+, the most a server may hold in % of the average load. */
  readonly hashBalanceFactor?: number | undefined;
  /** The key hash (default fnv1a); HAProxy's functions make map-based picks HAProxy's. */
  readonly hashFunction?: HashFunction | undefined;
  /** A source of numbers in [0, 1) for `random`; Math.random when absent (tests pass a seeded one). */
  readonly random?: (() => number) | undefined;
}

/** What parsing an algorithm's arguments gives: its parameters, or an error naming the bad word. */
export type ParamsResult<P> = { ok: true; params: P } | { ok: false; error: string };

/** Parameters of an algorithm that takes none. */
export type NoParams = Record<never, never>;

/**
 * One algorithm: what it needs, how its config words parse, and how to build it. `P` is its parsed
 * arguments (e.g. `{ header, useDomainOnly }` for `hdr(NAME) use_domain_only`).
 */
export interface BalancerFactory<P = NoParams> {
  /** What the algorithm reads; a function when it depends on the arguments (`hash src` vs `hash path`). */
  readonly needs: BalancerNeeds | ((params: P) => BalancerNeeds);
  /** True when the backend's `hashType` and `hashBalanceFactor` apply to it. */
  readonly hashed?: boolean;
  /** One line for `tsproxy schema` and the README. */
  readonly description: string;
  /** The config syntax, for help and error messages, e.g. "hdr(NAME) [use_domain_only]". */
  readonly syntax: string;
  /**
   * Parses what follows the keyword: `arg` is the text inside its parentheses (`hdr(host)` gives
   * "host"; undefined without them), `words` the words after it.
   */
  parse(arg: string | undefined, words: readonly string[]): ParamsResult<P>;
  /**
   * A balancer over `servers` (kept by reference: states, weights and counters are read live).
   * Without `params` the algorithm runs with its defaults; one that needs an argument it lacks
   * (`url_param`, `hdr`) then always picks round-robin.
   */
  create<S extends LbServer>(
    servers: readonly S[],
    params?: P,
    options?: BalancerOptions,
  ): Balancer<S>;
}
