/** A backend's compiled `stick` lines over the running tables: the Persistence its server selection runs. */
import type { SampleContext, StickRule } from "../rules/mod.ts";
import { Persistence, type PersistRule } from "../stick/persist.ts";
import type { StickTable } from "../stick/table.ts";

/** Null without stick lines (the data path then pays one null test); throws on a table not built. */
export function persistenceFor(
  backend: string,
  rules: readonly StickRule[],
  tables: ReadonlyMap<string, StickTable> | null,
): Persistence<SampleContext> | null {
  if (rules.length === 0) return null;
  return new Persistence(rules.map((r): PersistRule<SampleContext> => {
    const table = tables?.get(r.table);
    if (table === undefined) {
      throw new Error(`backend ${backend}: stick[${r.line}]: no stick table "${r.table}"`);
    }
    return {
      match: r.match,
      store: r.store,
      table,
      key: (ctx) => r.sample.value(ctx),
      test: r.cond === null ? null : r.cond.test,
    };
  }));
}
