/** Loads any config file check and run accept: tsproxy's own formats, or a haproxy.cfg converted. */
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import {
  type Config,
  type ConfigError,
  loadConfigFile,
  type LoadResult,
  validateConfig,
} from "../config/mod.ts";
import { type Converted, importHaproxyCfg } from "../import/mod.ts";

/** `.cfg` files are HAProxy's: converted by `tsproxy import`'s converter, then checked. */
export async function loadAnyConfig(file: string): Promise<LoadResult<Config>> {
  if (extname(file).toLowerCase() !== ".cfg") return await loadConfigFile(file);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    return {
      ok: false,
      errors: [{ file, path: "", message: `cannot read the file: ${(e as Error).message}` }],
    };
  }
  const converted = importHaproxyCfg(text);
  const lost: ConfigError[] = converted.issues.filter((i) => !i.ignored).map((i) => ({
    file,
    path: "",
    line: i.line,
    message: i.reason,
  }));
  const result = validateConfig(converted.config, file, cfgLocator(converted));
  if (lost.length === 0) return result;
  const errors = [...lost, ...(result.ok ? [] : result.errors)];
  return { ok: false, errors: errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) };
}

/** The haproxy.cfg line of a config path: its own, or the nearest enclosing one converted. */
function cfgLocator(c: Converted) {
  return (path: readonly PropertyKey[]): number | undefined => {
    for (let n = path.length; n > 0; n--) {
      const line = c.lines.get(JSON.stringify(path.slice(0, n)));
      if (line !== undefined) return line;
    }
    return undefined;
  };
}
