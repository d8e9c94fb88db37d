/** The config `run` serves, loaded in a child of this program where the runtime can: zod, yaml and the schema then never take the serving process's memory. */
import { deserialize, serialize } from "node:v8";
import { configDir, setConfigDir } from "../config/base_dir.ts";
import type { LoadResult } from "../config/errors.ts";
import type { Config } from "../config/schema.ts";
import type { Runtime } from "../runtime/types.ts";

/** The hidden command the child runs: `tsproxy __load-config FILE` writes the checked config. */
export const LOAD_CONFIG_COMMAND = "__load-config";

/**
 * Loads and checks `file` in a child (`runtime.runSelf`), which hands the result over as one
 * structured-clone message on its stdout; in this process where the runtime cannot, or when the
 * child did not answer (a `.ts` config holding functions cannot be cloned), so the outcome is the same.
 */
export async function loadConfigApart(file: string, runtime: Runtime): Promise<LoadResult<Config>> {
  if (runtime.runSelf) {
    try {
      const child = await runtime.runSelf([LOAD_CONFIG_COMMAND, file]);
      if (child.code === 0) return received(deserialize(child.stdout) as Handed);
    } catch { /* loaded here below */ }
  }
  return await loadConfigHere(file);
}

/** Loads `file` in this process (the checker's modules loaded on first use). */
export async function loadConfigHere(file: string): Promise<LoadResult<Config>> {
  const { loadAnyConfig } = await import("./load.ts");
  return await loadAnyConfig(file);
}

/** In the child: the loaded config (or its errors) as the bytes `loadConfigApart` reads; throws when they cannot be cloned. */
export async function loadedConfigBytes(file: string): Promise<Uint8Array> {
  const result = await loadConfigHere(file);
  const handed: Handed = { result, dir: result.ok ? configDir(result.config) : undefined };
  return serialize(handed);
}

/** The child's message: the result, and the directory relative files resolve against (kept beside a config, not in it). */
interface Handed {
  readonly result: LoadResult<Config>;
  readonly dir: string | undefined;
}

function received(handed: Handed): LoadResult<Config> {
  const { result, dir } = handed;
  if (result.ok && dir !== undefined) setConfigDir(result.config, dir);
  return result;
}
