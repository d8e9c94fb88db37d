/** The stick tables a checked config declares, as the specs the plan builds tables from (no zod: the serving process reads them). */
import { parseStored, storesIn, typeId } from "../stick/data_types.ts";
import { stickTableNames } from "../rules/stick_rules.ts";
import { DEFAULT_KEY_LEN } from "../stick/keys.ts";
import type { StickTableSpec } from "../stick/table.ts";
import type { StickTableConfig } from "./stick_table.ts";

/** The sections a table may come from, as the config's output types have them. */
interface Sections {
  stickTables?: Record<string, StickTableConfig> | undefined;
  frontends: Record<string, { stickTable?: StickTableConfig | undefined }>;
  backends: Record<
    string,
    { stickTable?: StickTableConfig | undefined; stick?: string[] | undefined }
  >;
}

const SERVER_ID = typeId("server_id");

/** Every table of the config by name: the top-level ones, then each section's own (named after it). */
export function stickTableSpecs(config: Sections): Map<string, StickTableSpec> {
  const out = new Map<string, StickTableSpec>();
  const add = (name: string, t: StickTableConfig | undefined) => {
    if (t === undefined || out.has(name)) return;
    out.set(name, {
      name,
      type: t.type,
      len: t.len ?? DEFAULT_KEY_LEN,
      size: t.size,
      expire: t.expire ?? 0,
      store: t.store,
      ...(t.shared ? { shared: true } : {}),
    });
  };
  for (const [name, t] of Object.entries(config.stickTables ?? {})) add(name, t);
  for (const [name, fe] of Object.entries(config.frontends)) add(name, fe.stickTable);
  for (const [name, be] of Object.entries(config.backends)) add(name, be.stickTable);
  // a table stick rules use keeps each key's server, as HAProxy adds server_id itself
  for (const [name, be] of Object.entries(config.backends)) {
    const own = be.stickTable === undefined ? undefined : name;
    for (const t of stickTableNames(be.stick ?? [], own)) {
      const spec = out.get(t);
      if (spec === undefined || storesIn(spec.store, SERVER_ID)) continue;
      out.set(t, { ...spec, store: [...spec.store, parseStored("server_id")] });
    }
  }
  return out;
}

/** Table names given twice (a top-level table named as a section with its own table, or a frontend and backend both), with where. */
export function duplicateTables(config: Sections): { path: (string | number)[]; name: string }[] {
  const seen = new Set(Object.keys(config.stickTables ?? {}));
  const out: { path: (string | number)[]; name: string }[] = [];
  for (const kind of ["frontends", "backends"] as const) {
    for (const [name, s] of Object.entries(config[kind])) {
      if (s.stickTable === undefined) continue;
      if (seen.has(name)) out.push({ path: [kind, name, "stickTable"], name });
      seen.add(name);
    }
  }
  return out;
}
