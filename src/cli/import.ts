/** `tsproxy import haproxy.cfg`: the converted YAML, what was not converted, and whether all was. */
import { readFile, writeFile } from "node:fs/promises";
import { complete, importHaproxyCfg, toYaml } from "../import/mod.ts";

export interface ImportOutcome {
  /** 0: everything converted; 1: some lines were not (listed), or the file cannot be read. */
  code: number;
  stdout: string;
  stderr: string;
}

/** Converts `file`; the YAML goes to `output` when given, else to stdout. */
export async function runImport(file: string, output: string | undefined): Promise<ImportOutcome> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    return { code: 1, stdout: "", stderr: `tsproxy import: ${file}: ${(e as Error).message}\n` };
  }
  const c = importHaproxyCfg(text);
  const yaml = toYaml(c, file);
  const lost = c.issues.filter((i) => !i.ignored);
  const notes = c.issues.map((i) =>
    `${file}:${i.line}: ${i.ignored ? "ignored" : "not converted"}: ${i.reason}\n`
  ).join("");
  const summary = lost.length === 0
    ? `tsproxy import: ${file}: converted completely\n`
    : `tsproxy import: ${file}: ${lost.length} line(s) not converted (listed above)\n`;
  if (output !== undefined) await writeFile(output, yaml);
  return {
    code: complete(c) ? 0 : 1,
    stdout: output === undefined ? yaml : "",
    stderr: notes + summary,
  };
}
