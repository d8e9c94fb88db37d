/** `tsproxy import`: a haproxy.cfg converted to tsproxy's config, as an object and as YAML. */
import { stringify } from "yaml";
import { readCfg } from "./cfg_reader.ts";
import { convertCfg, type Converted } from "./convert.ts";

export type { Converted } from "./convert.ts";
export type { ImportIssue } from "./types.ts";

/**
 * Converts haproxy.cfg text. `issues` lists each line not converted (`ignored`: one that changes
 * nothing that matters, such as nbthread); the conversion is complete when every issue is ignored.
 *
 * @example
 * ```ts
 * const { config, issues } = importHaproxyCfg("frontend fe\n  bind :80\n  default_backend be\n");
 * ```
 */
export function importHaproxyCfg(text: string): Converted {
  return convertCfg(readCfg(text));
}

/** Whether nothing that matters was lost. */
export function complete(c: Converted): boolean {
  return c.issues.every((i) => i.ignored);
}

/** The converted config as YAML, headed by where it came from and what was left out. */
export function toYaml(c: Converted, source: string): string {
  const head = [`# converted by tsproxy import from ${source}`];
  for (const i of c.issues) {
    head.push(`# line ${i.line}: ${i.ignored ? "ignored" : "NOT CONVERTED"}: ${i.reason}`);
  }
  return head.join("\n") + "\n" + stringify(c.config, { lineWidth: 0 });
}
