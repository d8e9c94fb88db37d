/** HAProxy's `show stat` CSV: the 2.6 header, then one line per frontend, server and backend. */
import type { ProxyView } from "../views.ts";
import { CSV_COLUMNS } from "./columns.ts";
import { type FieldLine, fieldLines } from "./lines.ts";

/** A value as HAProxy's csv_enc writes it: quoted when it holds a comma, a quote or a line break. */
function cell(v: string | number | undefined): string {
  if (v === undefined) return "";
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One object's CSV line (each cell followed by a comma, as HAProxy ends its lines). */
export function csvLine(line: FieldLine): string {
  let out = "";
  for (const c of CSV_COLUMNS) out += (c === "-" ? "-" : cell(line.fields.get(c))) + ",";
  return out + "\n";
}

/** The CSV header line: `# pxname,svname,...,` and a newline. */
export const CSV_HEADER = `# ${CSV_COLUMNS.join(",")},\n`;

/**
 * The `show stat` CSV of `proxy`. Columns tsproxy has no value for stay empty, as HAProxy leaves
 * the ones that do not apply.
 *
 * @example
 * ```ts
 * const text = renderCsv(handle, { now: Date.now() });
 * text.split("\n")[0]; // "# pxname,svname,qcur,..."
 * ```
 */
export function renderCsv(proxy: ProxyView, o: { now?: number } = {}): string {
  let out = CSV_HEADER;
  for (const line of fieldLines(proxy, o.now ?? Date.now())) out += csvLine(line);
  return out;
}
