/** Stick tables in the config: `stickTables` (top level, by name) and `stickTable` in a frontend or backend (named after it). */
import { z } from "zod";
import { parseStored } from "../stick/data_types.ts";
import { DEFAULT_KEY_LEN, KEY_TYPES } from "../stick/keys.ts";
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

export { duplicateTables, stickTableSpecs } from "./stick_table_specs.ts";
