/** `tsproxy explain`: its options turned into a request, the config loaded, the explanation rendered. */
import { readFile } from "node:fs/promises";
import { formatConfigError } from "../config/mod.ts";
import {
  explain,
  renderJson,
  renderText,
  requestFromArgs,
  requestFromRaw,
} from "../explain/mod.ts";
import { loadAnyConfig } from "./load.ts";

export interface ExplainOptions {
  readonly config?: string | undefined;
  readonly header?: readonly string[] | undefined;
  readonly src?: string | undefined;
  readonly dst?: string | undefined;
  readonly sni?: string | undefined;
  readonly frontend?: string | undefined;
  readonly raw?: string | undefined;
  readonly json?: boolean | undefined;
}

export interface ExplainOutcome {
  /** 0: explained (whatever the proxy would do); 1: the config or request file cannot be used; 2: usage. */
  code: number;
  stdout: string;
  stderr: string;
}

/** `HOST:PORT` or `[V6]:PORT`; throws a RangeError. */
function address(text: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) {
    throw new RangeError(`--dst "${text}": expected ADDRESS:PORT (e.g. 10.0.0.1:443)`);
  }
  return { host: m[1]!, port };
}

const usage = (stderr: string): ExplainOutcome => ({ code: 2, stdout: "", stderr });

/** Runs the command; `words` are the positionals (the request line, e.g. "GET /api/x"). */
export async function runExplain(
  o: ExplainOptions,
  words: readonly string[],
): Promise<ExplainOutcome> {
  if (o.config === undefined || o.config === "") return usage("missing -c FILE (the config file)");
  if ((o.raw === undefined) === (words.length === 0)) {
    return usage(`give the request: a request line ("GET /path") or --raw FILE (one of the two)`);
  }
  let head: Uint8Array, dst: { host: string; port: number } | undefined;
  try {
    dst = o.dst === undefined ? undefined : address(o.dst);
    if (o.raw === undefined) head = requestFromArgs(words.join(" "), o.header ?? []);
    else {
      if ((o.header ?? []).length > 0) return usage("-H goes with a request line, not --raw");
      head = requestFromRaw(await readFile(o.raw, "latin1"));
    }
  } catch (e) {
    if (e instanceof RangeError) return usage(e.message);
    return { code: 1, stdout: "", stderr: `tsproxy explain: ${o.raw}: ${(e as Error).message}\n` };
  }
  const loaded = await loadAnyConfig(o.config);
  if (!loaded.ok) {
    return {
      code: 1,
      stdout: "",
      stderr: loaded.errors.map((e) => formatConfigError(e) + "\n").join(""),
    };
  }
  try {
    const e = await explain(loaded.config, {
      head,
      src: o.src ?? "127.0.0.1",
      ...(dst === undefined ? {} : { dst }),
      ...(o.sni === undefined ? {} : { sni: o.sni }),
      ...(o.frontend === undefined ? {} : { frontend: o.frontend }),
    });
    return { code: 0, stdout: o.json ? renderJson(e) : renderText(e), stderr: "" };
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return { code: 1, stdout: "", stderr: `tsproxy explain: ${e.message}\n` };
  }
}

export { EXPLAIN_OPTIONS, EXPLAIN_USAGE } from "./explain_usage.ts";
