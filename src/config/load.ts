/** Reading a config: YAML/JSON text or a `.ts` module, validated, every error collected with its line. */
import { setConfigDir } from "./base_dir.ts";
import { readFile } from "node:fs/promises";
import { dirname, extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { LineCounter, parseDocument } from "yaml";
import { crossCheck } from "./crosscheck.ts";
import { type ConfigError, formatPath, type LoadResult } from "./errors.ts";
import { fromZod, issueMessage, type KeyHint } from "./issues.ts";
import { intendedKey, keysAt } from "./key_hint.ts";
import { type Locator, locator } from "./locate.ts";
import { salvage } from "./salvage.ts";
import { type Config, configSchema } from "./schema.ts";
import { setUncheckedBackends } from "./unchecked.ts";

const TEXT_EXTENSIONS = [".yaml", ".yml", ".json"];
const MODULE_EXTENSIONS = [".ts", ".mts", ".js", ".mjs"];

/**
 * Parses and validates config text, YAML or JSON (JSON is read as YAML, so both get line
 * numbers). `filename` only labels the errors.
 *
 * @example
 * ```ts
 * const result = parseConfigText("frontends: {}", "inline.yaml");
 * if (!result.ok) console.error(result.errors.map(formatConfigError).join("\n"));
 * ```
 */
export function parseConfigText(text: string, filename: string): LoadResult<Config> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => ({
        file: filename,
        path: "",
        line: lines.linePos(e.pos[0]).line,
        message: `syntax error: ${e.message}`,
      })),
    };
  }
  if (doc.contents === null) {
    return {
      ok: false,
      errors: [{ file: filename, path: "", line: 1, message: "the file is empty" }],
    };
  }
  return validateConfig(doc.toJS(), filename, locator(doc, lines));
}

/**
 * Validates a config object (as parsed from a file or written with `defineConfig`), then runs
 * the cross-section checks. `locate` adds line numbers when the object came from a document.
 */
export function validateConfig(
  input: unknown,
  filename: string,
  locate?: Locator,
): LoadResult<Config> {
  const error = (path: readonly PropertyKey[], message: string, key = false): ConfigError => {
    const line = locate?.(path, { key });
    const e: ConfigError = { file: filename, path: formatPath(path), message };
    if (line !== undefined) e.line = line;
    return e;
  };
  const checked = (config: Config) => {
    if (filename !== "" && !filename.startsWith("<")) {
      setConfigDir(config, dirname(resolve(filename)));
    }
    return crossCheck(config).map((i) => error(i.path, i.message, i.key));
  };
  const parsed = configSchema.safeParse(input, { error: issueMessage });
  if (!parsed.success) {
    // the cross-checks still run on the parts that are valid: every error in one pass
    const hint: KeyHint = (path, key) => intendedKey(key, keysAt(configSchema, path));
    const errors = parsed.error.issues.flatMap((i) => fromZod(i, error, hint));
    const part = salvage(input, parsed.error.issues, hint);
    if (part !== undefined) {
      setUncheckedBackends(part.config, part.unchecked);
      errors.push(...checked(part.config));
    }
    return { ok: false, errors: sortByLine(errors) };
  }
  const errors = checked(parsed.data);
  if (errors.length > 0) return { ok: false, errors: sortByLine(errors) };
  return { ok: true, config: parsed.data };
}

/**
 * Loads a config file: `.yaml`, `.yml` and `.json` are parsed as text; `.ts`, `.mts`, `.js` and
 * `.mjs` are imported and their default export validated (without line numbers).
 *
 * @example
 * ```ts
 * const result = await loadConfigFile("tsproxy.yaml");
 * if (result.ok) await startProxy(result.config, await getRuntime());
 * ```
 */
export async function loadConfigFile(path: string): Promise<LoadResult<Config>> {
  const ext = extname(path).toLowerCase();
  const fail = (message: string): LoadResult<Config> => ({
    ok: false,
    errors: [{ file: path, path: "", message }],
  });
  if (MODULE_EXTENSIONS.includes(ext)) {
    let mod: { default?: unknown };
    try {
      mod = await import(pathToFileURL(resolve(path)).href);
    } catch (e) {
      return fail(`cannot import the config module: ${(e as Error).message}`);
    }
    if (mod.default === undefined) {
      return fail("the config module has no default export (export default defineConfig({...}))");
    }
    return validateConfig(mod.default, path);
  }
  if (!TEXT_EXTENSIONS.includes(ext)) {
    return fail(
      `unsupported config file extension "${ext}" (use ${
        [...TEXT_EXTENSIONS, ...MODULE_EXTENSIONS].join(", ")
      })`,
    );
  }
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    return fail(`cannot read the file: ${(e as Error).message}`);
  }
  return parseConfigText(text, path);
}

function sortByLine(errors: ConfigError[]): ConfigError[] {
  return errors.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
}
