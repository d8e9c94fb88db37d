/** The top-level `shared` section (stick tables shared through Redis) and the checks of tables that say `shared: true`. */
import { z } from "zod";
import { parseRedisUrl } from "../redis/url.ts";
import { duration } from "./fields.ts";
import type { CrossIssue } from "./errors.ts";
import type { StickTableConfig } from "./stick_table.ts";

export const sharedSchema = z.strictObject({
  redis: z.string().superRefine((v, ctx) => {
    try {
      parseRedisUrl(v);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message });
    }
  }).meta({
    description: "Where Redis is: redis://[[user]:password@]host[:port][/db], rediss:// for TLS.",
    examples: ["redis://127.0.0.1:6379/0", "rediss://:secret@redis.internal:6380/1"],
  }),
  prefix: z.string().default("tsproxy:").describe(
    "Put before `table:key` in every Redis key, so several clusters can share one Redis.",
  ),
  syncInterval: duration(
    "How often local changes are pushed and the cluster's values read back: the most a limit " +
      "can lag behind the cluster (a request never waits for Redis).",
  ).prefault("100ms"),
  connectTimeout: duration("Connecting to Redis gives up after this long (then retries).")
    .prefault("2s"),
  instanceTtl: duration(
    "conn_cur of an instance that stopped syncing (it died) stops counting after this long.",
  ).prefault("10s"),
  readWindow: duration(
    "An entry is read back from Redis at each sync until this long after its last local change.",
  ).prefault("1s"),
  maxKeysPerSync: z.number().int().min(1).max(100000).default(1000).describe(
    "The most keys of one table one sync writes or reads; the rest wait for the next sync.",
  ),
  serverState: z.boolean().default(false).describe(
    "Share servers' admin states (READY/DRAIN/MAINT) and weights set at run time: a server " +
      "drained or weighted through the runtime API on one instance is on every instance.",
  ),
  tls: z.strictObject({
    verify: z.enum(["none", "required"]).default("required").describe(
      "required: Redis's certificate must chain to `ca` (default: the system's CAs).",
    ),
    ca: z.string().min(1).optional().describe("A PEM file of CA certificates (rediss://)."),
    servername: z.string().min(1).optional().describe("SNI and the name checked (default: host)."),
  }).optional().describe("TLS settings of a rediss:// URL."),
}).describe(
  "Stick tables with `shared: true` share their counters through Redis with the other tsproxy " +
    "instances using the same Redis and prefix: limits hold cluster-wide.",
);

export type SharedConfig = z.output<typeof sharedSchema>;

/** Tables saying `shared: true` where they cannot be: no `shared` section, or no `expire`. */
export function sharedTableIssues(config: {
  shared?: SharedConfig | undefined;
  stickTables?: Record<string, StickTableConfig> | undefined;
  frontends: Record<string, { stickTable?: StickTableConfig | undefined }>;
  backends: Record<string, { stickTable?: StickTableConfig | undefined }>;
}): CrossIssue[] {
  const issues: CrossIssue[] = [];
  const check = (path: (string | number)[], t: StickTableConfig | undefined) => {
    if (!t?.shared) return;
    if (config.shared === undefined) {
      issues.push({
        path: [...path, "shared"],
        message: "a shared stick table needs the top-level `shared` section (shared.redis)",
      });
    }
    if (!t.expire) {
      issues.push({
        path: [...path, "shared"],
        message: "a shared stick table needs `expire`: it is the TTL of its keys in Redis",
      });
    }
  };
  for (const [name, t] of Object.entries(config.stickTables ?? {})) check(["stickTables", name], t);
  for (const kind of ["frontends", "backends"] as const) {
    for (const [name, s] of Object.entries(config[kind])) {
      check([kind, name, "stickTable"], s.stickTable);
    }
  }
  return issues;
}
