/** The zod schema of the config file: the four sections put together, and the types they produce. */
import { z } from "zod";
import { backendSchema } from "./backend_schema.ts";
import { defaultsSchema } from "./defaults_schema.ts";
import { mode, name } from "./fields.ts";
import { frontendSchema } from "./frontend_schema.ts";
import { globalSchema } from "./global_schema.ts";
import { serverSchema } from "./server_schema.ts";
import { sharedSchema } from "./shared_schema.ts";
import { stickTableSchema } from "./stick_table.ts";
import { userlistSchema } from "./userlist.ts";

export { backendSchema, frontendSchema, serverSchema };

export const configSchema = z.strictObject({
  global: globalSchema.prefault({}),
  defaults: defaultsSchema.prefault({}),
  frontends: z.record(name, frontendSchema).default({}).describe("Frontends by name."),
  backends: z.record(name, backendSchema).default({}).describe("Backends by name."),
  stickTables: z.record(name, stickTableSchema).optional().describe(
    "Stick tables by name, for rules to track and read (track-sc0 src table NAME).",
  ),
  shared: sharedSchema.optional(),
  userlists: z.record(name, userlistSchema).optional().describe(
    "Userlists by name, for basic auth: http_auth(NAME), http_auth_group(NAME).",
  ),
}).meta({ title: "tsproxy configuration", description: "A tsproxy configuration file." });

/** A validated config: durations in milliseconds, addresses parsed, defaults filled. */
export type Config = z.output<typeof configSchema>;
/** The config as written (YAML, JSON or a `defineConfig()` object). */
export type ConfigInput = z.input<typeof configSchema>;
export type FrontendConfig = z.output<typeof frontendSchema>;
export type BackendConfig = z.output<typeof backendSchema>;
export type ServerConfig = z.output<typeof serverSchema>;
export type Mode = z.output<typeof mode>;
