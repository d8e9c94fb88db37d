/** HAProxy's `show stat typed` and `show stat json`: every filled field with its position, tags and type. */
import type { ProxyView } from "../views.ts";
import { COLUMN_POS, COLUMN_TAGS, type ColumnTags, CSV_COLUMNS } from "./columns.ts";
import { type FieldLine, fieldLines } from "./lines.ts";

/** One filled field of a line, in column order. */
interface TypedField {
  readonly pos: number;
  readonly name: string;
  readonly tags: ColumnTags;
  readonly value: string | number;
}

function typedFields(line: FieldLine): TypedField[] {
  const out: TypedField[] = [];
  for (const name of CSV_COLUMNS) {
    const value = line.fields.get(name);
    const tags = COLUMN_TAGS.get(name);
    if (value === undefined || tags === undefined) continue;
    out.push({ pos: COLUMN_POS.get(name)!, name, tags, value });
  }
  return out;
}

const PREFIX = { Frontend: "F", Backend: "B", Server: "S" } as const;

/** `show stat typed`: `F.<iid>.<sid>.<pos>.<name>.<pid>:<tags>:<type>:<value>` per field. */
export function renderTyped(proxy: ProxyView, o: { now?: number } = {}): string {
  let out = "";
  for (const line of fieldLines(proxy, o.now ?? Date.now())) {
    const head = `${PREFIX[line.objType]}.${line.iid}.${line.sid}.`;
    for (const f of typedFields(line)) {
      out += `${head}${f.pos}.${f.name}.1:${f.tags.letters}:${f.tags.type}:${f.value}\n`;
    }
  }
  return out;
}

/** `show stat json`: one array per object, one entry per filled field, as HAProxy 2.6 prints it. */
export function renderJson(proxy: ProxyView, o: { now?: number } = {}): string {
  const objects = fieldLines(proxy, o.now ?? Date.now()).map((line) =>
    typedFields(line).map((f) => ({
      objType: line.objType,
      proxyId: line.iid,
      id: line.sid,
      field: { pos: f.pos, name: f.name },
      processNum: 1,
      tags: { origin: f.tags.origin, nature: f.tags.nature, scope: f.tags.scope },
      value: { type: f.tags.type, value: f.value },
    }))
  );
  return JSON.stringify(objects);
}
