/** Stick tables in the config: `stickTables` (top level, by name) and `stickTable` in a frontend or backend (named after it). */
import { z } from "zod";
import { parseStored, storesIn, typeId } from "../stick/data_types.ts";
import { stickTableNames } from "../rules/stick_rules.ts";
import { DEFAULT_KEY_LEN, KEY_TYPES } from "../stick/keys.ts";
import type { StickTableSpec } from "../stick/table.ts";
import { duration, parsing } from "./fields.ts";
import { parseSize } from "./size.ts";

export const stickTableSchema = z.strictObject({
  type: z.enum(KEY_TYPES).describe(
    "The key: ip (IPv4), ipv6 (both families), integer, string or binary (cut to `len`).",
  ),
  len: z.number().int().min(1).max(4096).optional().describe(
    `Key length of string and binary tables, in bytes (default ${DEFAULT_KEY_LEN}).`,
  ),
  size: z.union([z.string(), z.number()]).transform(parsing(parseSize)).pipe(
    z.number().int().min(1, "a stick table holds at least 1 entry"),
  ).meta({
    description: "The most entries (k, m, g: powers of 1024); when full the oldest unused goes.",
    examples: ["100k", "1m"],
  }),
  expire: duration("An entry not updated for this long is removed (never while tracked).")
    .optional(),
  store: z.array(z.string().transform(parsing(parseStored))).default([]).meta({
    description: "The data kept per entry: gpc0, gpc(N), gpt(N), conn_cur, conn_cnt, " +
      "conn_rate(period), sess_cnt, http_req_rate(period), http_err_rate(period), " +
      "bytes_in_rate(period), ...",
    examples: [["http_req_rate(10s)", "conn_cur", "gpc0"]],
  }),
  shared: z.boolean().optional().describe(
    "Share the counters with the other instances through Redis (top-level `shared`): rates and " +
      "counts are summed cluster-wide, gpt/server_id the last writer's; needs `expire`.",
  ),
}).describe("A stick table (HAProxy's stick-table): counters per key that rules track and read.");

export type StickTableConfig = z.output<typeof stickTableSchema>;

/** The sections a table may come from, as the config's output types have them. */
interface Sections {
  stickTables?: Record<string, StickTableConfig> | undefined;
  frontends: Record<string, { stickTable?: StickTableConfig | undefined }>;
  backends: Record<
    string,
    { stickTable?: StickTableConfig | undefined; stick?: string[] | undefined }
  >;
}

const SERVER_ID = typeId("server_id");

/** Every table of the config by name: the top-level ones, then each section's own (named after it). */
export function stickTableSpecs(config: Sections): Map<string, StickTableSpec> {
  const out = new Map<string, StickTableSpec>();
  const add = (name: string, t: StickTableConfig | undefined) => {
    if (t === undefined || out.has(name)) return;
    out.set(name, {
      name,
      type: t.type,
      len: t.len ?? DEFAULT_KEY_LEN,
      size: t.size,
      expire: t.expire ?? 0,
      store: t.store,
      ...(t.shared ? { shared: true } : {}),
    });
  };
  for (const [name, t] of Object.entries(config.stickTables ?? {})) add(name, t);
  for (const [name, fe] of Object.entries(config.frontends)) add(name, fe.stickTable);
  for (const [name, be] of Object.entries(config.backends)) add(name, be.stickTable);
  // a table stick rules use keeps each key's server, as HAProxy adds server_id itself
  for (const [name, be] of Object.entries(config.backends)) {
    const own = be.stickTable === undefined ? undefined : name;
    for (const t of stickTableNames(be.stick ?? [], own)) {
      const spec = out.get(t);
      if (spec === undefined || storesIn(spec.store, SERVER_ID)) continue;
      out.set(t, { ...spec, store: [...spec.store, parseStored("server_id")] });
    }
  }
  return out;
}

/** Table names given twice (a top-level table named as a section with its own table, or a frontend and backend both), with where. */
export function duplicateTables(config: Sections): { path: (string | number)[]; name: string }[] {
  const seen = new Set(Object.keys(config.stickTables ?? {}));
  const out: { path: (string | number)[]; name: string }[] = [];
  for (const kind of ["frontends", "backends"] as const) {
    for (const [name, s] of Object.entries(config[kind])) {
      if (s.stickTable === undefined) continue;
      if (seen.has(name)) out.push({ path: [kind, name, "stickTable"], name });
      seen.add(name);
    }
  }
  return out;
}
