/** Config errors as data: where (file, line, path) and what, plus their one-line human form. */

/** One thing wrong with a config file. Loading collects all of them, never stopping at the first. */
export interface ConfigError {
  /** The config file's name as given (or the name passed to `parseConfigText`). */
  file: string;
  /** Where in the config, e.g. `backends.db.servers[1].address`; empty for the whole file. */
  path: string;
  /** 1-based line in the file, when known (not for `.ts` configs). */
  line?: number;
  message: string;
}

/** The result of loading a config: the config, or every error found. */
export type LoadResult<T> = { ok: true; config: T } | { ok: false; errors: ConfigError[] };

/** A path inside the config as zod and the YAML document see it. */
export type ConfigPath = readonly PropertyKey[];

/** One cross-check failure; `key` marks errors about a name rather than a value. */
export interface CrossIssue {
  path: ConfigPath;
  message: string;
  key?: boolean;
}

/** Renders a path the way users write it: `backends.db.servers[1].address`. */
export function formatPath(path: ConfigPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else {
      const key = String(segment);
      if (/^[A-Za-z0-9_:-]+$/.test(key)) out += out === "" ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/** `FILE:LINE: PATH: MESSAGE`, leaving out the parts that are unknown. */
export function formatConfigError(error: ConfigError): string {
  const where = error.line === undefined ? error.file : `${error.file}:${error.line}`;
  return error.path === ""
    ? `${where}: ${error.message}`
    : `${where}: ${error.path}: ${error.message}`;
}
