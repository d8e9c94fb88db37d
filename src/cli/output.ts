/** What cli.ts and the run command print: a write that waits for the stream, config errors, refused permissions. */
import process from "node:process";
import { type ConfigError, formatConfigError } from "../config/errors.ts";
import type { Config } from "../config/schema.ts";
import { missingPermissions } from "./permissions.ts";

/** Writes and waits until the stream took it (the process may exit next). */
export function write(stream: NodeJS.WriteStream, text: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => stream.write(text, () => resolve()));
}

/** Every error of a config, one FILE:LINE: PATH: MESSAGE line each, on stderr. */
export async function printConfigErrors(errors: ConfigError[]): Promise<void> {
  await write(process.stderr, errors.map((e) => formatConfigError(e) + "\n").join(""));
}

/** Deno refusing what the config needs (a log file without --allow-write): one line each. */
export async function refusePermissions(config: Config): Promise<boolean> {
  const missing = missingPermissions(config);
  for (const m of missing) await write(process.stderr, `tsproxy: ${m}\n`);
  return missing.length > 0;
}
