/** The config's `shared` section as the settings the Redis sync runs with (the URL parsed, a CA file read). */
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { Config } from "../config/mod.ts";
import { configDir } from "../config/base_dir.ts";
import { maskRedisUrl, parseRedisUrl } from "../redis/url.ts";
import type { SharedPlan } from "../stick/shared/sync.ts";

/** Null without a `shared` section; throws naming the file when the CA cannot be read. */
export function sharedPlan(config: Config): SharedPlan | null {
  const s = config.shared;
  if (s === undefined) return null;
  const redis = parseRedisUrl(s.redis);
  let tls: SharedPlan["tls"];
  if (s.tls !== undefined || redis.tls) {
    let ca: string | undefined;
    if (s.tls?.ca !== undefined) {
      const path = isAbsolute(s.tls.ca) ? s.tls.ca : join(configDir(config) ?? ".", s.tls.ca);
      try {
        ca = readFileSync(path, "utf8");
      } catch (err) {
        throw new Error(`shared.tls.ca: cannot read ${path}: ${(err as Error).message}`);
      }
    }
    tls = {
      verify: s.tls?.verify ?? "required",
      servername: s.tls?.servername ?? redis.host,
      ...(ca === undefined ? {} : { ca }),
    };
  }
  return {
    redis,
    where: maskRedisUrl(s.redis),
    prefix: s.prefix,
    syncInterval: s.syncInterval,
    connectTimeout: s.connectTimeout,
    gaugeTtl: s.instanceTtl,
    readWindow: Math.max(s.readWindow, s.syncInterval),
    maxKeys: s.maxKeysPerSync,
    serverState: s.serverState,
    ...(tls === undefined ? {} : { tls }),
  };
}
