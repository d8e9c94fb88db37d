/** Stick table converters: `table_*(T)` read the entry keyed by the input, `in_table(T)` says whether there is one. */
import { intArg } from "./_prepare.ts";
import { readEntry, READERS, tableArg, tableOf } from "./_stick.ts";
import { type ConverterDef, defineConverter, type Value } from "./types.ts";

interface TableArgs {
  elem: number;
  table: string;
}

/** Every stick table converter: `table_http_req_rate(per_ip)`, `table_gpc(1,per_ip)`, `in_table(per_ip)`. */
export const STICK_CONVERTERS: readonly ConverterDef[] = [
  ...READERS.map((r) =>
    defineConverter<"str", TableArgs>({
      name: `table_${r.conv}`,
      args: [...(r.indexed ? ["idx"] : []), "table"],
      in: "str",
      anyInput: true,
      out: "int",
      prepare(args, load) {
        const elem = r.indexed ? intArg(args[0] ?? "", 0, "the index", 0, 99) : 0;
        const at = r.indexed ? 1 : 0;
        return { elem, table: tableArg(args[at] ?? "", at, load, r, elem) };
      },
      convert(v: Value, a, ctx) {
        const t = tableOf(ctx, a.table);
        const key = t?.key(v);
        return t && key !== undefined ? readEntry(t, t.lookup(key), r, a.elem) : undefined;
      },
    })
  ),
  defineConverter<"str", string>({
    name: "in_table",
    args: ["table"],
    in: "str",
    anyInput: true,
    out: "bool",
    prepare: (args, load) => tableArg(args[0] ?? "", 0, load),
    convert(v: Value, table, ctx) {
      const t = tableOf(ctx, table);
      const key = t?.key(v);
      return t !== undefined && key !== undefined && t.lookup(key) >= 0;
    },
  }),
];
