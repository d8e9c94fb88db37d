/** The JSON Schema of the config file format, for editors and `tsproxy schema`. */
import { z } from "zod";
import { configSchema } from "./schema.ts";

/**
 * The JSON Schema (draft 2020-12) of the config as written: durations accept strings and
 * numbers, defaults are shown, unknown keys are refused.
 */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: "input" }) as Record<string, unknown>;
}
