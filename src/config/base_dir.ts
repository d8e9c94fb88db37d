/** The directory a config was loaded from: relative map and pattern files in rules resolve against it. */

const DIRS = new WeakMap<object, string>();

/** Records that `config` came from a file in `dir` (set by the loader). */
export function setConfigDir(config: object, dir: string): void {
  DIRS.set(config, dir);
}

/** The directory `config` was loaded from; undefined for a config built in code (the working directory applies). */
export function configDir(config: object): string | undefined {
  return DIRS.get(config);
}
