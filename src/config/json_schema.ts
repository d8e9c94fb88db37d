/** The JSON Schema of the config file format, for editors and `tsproxy schema`. */
import { z } from "zod";
import { configSchema } from "./schema.ts";

/** Where the schema is published: the npm package ships it as dist/npm/tsproxy.schema.json. */
export const SCHEMA_ID = "https://unpkg.com/tsproxy/dist/npm/tsproxy.schema.json";

/**
 * The JSON Schema (draft 2020-12) of the config as written: durations accept strings and
 * numbers, defaults are shown, unknown keys are refused.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: "input" }) as Record<string, unknown>;
  const { $schema, ...rest } = schema;
  return { $schema, $id: SCHEMA_ID, title: "tsproxy configuration", ...rest };
}
