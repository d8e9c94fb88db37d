/** A Redis address as a URL (`redis://[[user]:password@]host[:port][/db]`, `rediss://` for TLS), checked. */

/** Where and how to connect: what AUTH and SELECT send once connected. */
export interface RedisTarget {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  /** AUTH's user (Redis 6 ACLs); absent: AUTH with the password alone. */
  readonly username?: string;
  readonly password?: string;
  /** SELECT's database; 0 is not selected (the default). */
  readonly db: number;
}

/**
 * Parses a Redis URL; throws a TypeError saying what is wrong with it. Passwords may be
 * percent-encoded (`redis://:p%40ss@host`).
 *
 * @example
 * ```ts
 * parseRedisUrl("redis://:secret@127.0.0.1:6380/2"); // { host: "127.0.0.1", port: 6380, db: 2, password: "secret", tls: false }
 * ```
 */
export function parseRedisUrl(text: string): RedisTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`redis URL "${text}": not a URL (redis://host:port/db)`);
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw new TypeError(`redis URL "${text}": scheme must be redis:// or rediss://`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "") throw new TypeError(`redis URL "${text}": no host`);
  const port = url.port === "" ? 6379 : Number(url.port);
  const path = url.pathname.replace(/^\//, "");
  const db = path === "" ? 0 : Number(path);
  if (!/^\d*$/.test(path) || !Number.isInteger(db) || db > 65535) {
    throw new TypeError(`redis URL "${text}": the path must be a database number, not "${path}"`);
  }
  return {
    host,
    port,
    tls: url.protocol === "rediss:",
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    db,
  };
}

/** The URL with its password masked, for logs and errors. */
export function maskRedisUrl(text: string): string {
  return text.replace(/^(rediss?:\/\/[^:@/]*:)[^@/]*@/, "$1***@");
}
