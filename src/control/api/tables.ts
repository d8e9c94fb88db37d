/** The admin API's stick table resources: list, dump (as JSON), set and clear entries, each mapped onto a `show/set/clear table` line. */
import type { Hono } from "hono";
import { z } from "zod";
import type { ProxyView } from "../../stats/views.ts";
import { allowed, type Level } from "../commands/context.ts";
import type { Actor } from "../types.ts";

type Env = { Variables: { actor: Actor } } & Record<string, unknown>;

const NAME = /^[\w.:@-]+$/;
/** A key word the CLI can carry: no space, no backslash, no `;` (the surfaces split on it). */
const KEY = /^[^\s\\;]+$/;
const DATA = /^[a-z_0-9]+$/;
const setSchema = z.strictObject({ data: z.record(z.string().regex(DATA), z.number().int()) });
/** HAProxy answers nothing to a change above the session's level; REST says 403. */
const LEVEL_OF = { set: "admin", clear: "operator" } as const satisfies Record<string, Level>;
const FILTER = /^data\.[a-z_0-9]+ (eq|ne|le|ge|lt|gt) -?\d+$/;

/** One `show table` entry line as JSON: key, use, exp and the data by HAProxy's label. */
export function entryJson(line: string): Record<string, unknown> | null {
  const m = /^0x[0-9a-f]+: key=(.*) use=(\d+) exp=(\d+)((?: [^ =]+=-?\d+)*)$/.exec(line);
  if (!m) return null;
  const data: Record<string, number> = {};
  for (const pair of m[4]!.trim().split(" ")) {
    if (pair === "") continue;
    const eq = pair.lastIndexOf("=");
    data[pair.slice(0, eq)] = Number(pair.slice(eq + 1));
  }
  return { key: m[1], use: Number(m[2]), exp: Number(m[3]), data };
}

/** What the routes need from the app: the proxy's views and a way to run lines as the caller. */
export interface TableRouteDeps {
  proxy(): ProxyView;
  run(lines: string[], actor: Actor): Promise<string[]>;
}

/**
 * GET /api/tables (name, type, size, used), GET /api/tables/:t (`?key=K` or `?filter=data.X op N`,
 * repeatable: the entries as JSON), PUT /api/tables/:t/entries/:key ({ data: { gpc0: 3 } }),
 * DELETE /api/tables/:t/entries/:key, DELETE /api/tables/:t (every entry not in use).
 */
export function addTableRoutes<E extends Env>(app: Hono<E>, deps: TableRouteDeps): void {
  app.get("/api/tables", (c) =>
    c.json(
      [...(deps.proxy().tables ?? new Map()).values()].map((t) => ({
        name: t.spec.name,
        type: t.spec.type,
        size: t.spec.size,
        used: t.entries,
      })),
    ));
  app.get("/api/tables/:t", async (c) => {
    const t = c.req.param("t"), key = c.req.query("key"), filters = c.req.queries("filter") ?? [];
    if (!NAME.test(t) || (key !== undefined && !KEY.test(key))) {
      return c.json({ error: "invalid name or key" }, 400);
    }
    if (!filters.every((f) => FILTER.test(f))) {
      return c.json({ error: "filter: expected data.<type> <eq|ne|le|ge|lt|gt> <integer>" }, 400);
    }
    const words = key !== undefined ? ` key ${key}` : filters.map((f) => ` ${f}`).join("");
    const [answer] = await deps.run([`show table ${t}${words}`], c.get("actor"));
    const lines = answer!.split("\n");
    if (!answer!.startsWith("# table: ")) {
      if (answer === "") return c.json({ error: "no such entry" }, 404);
      return c.json({ error: answer }, answer === "No such table" ? 404 : 400);
    }
    const entries = lines.slice(1).map(entryJson).filter((e) => e !== null);
    return c.json({ table: t, entries });
  });
  app.put("/api/tables/:t/entries/:key", async (c) => {
    const t = c.req.param("t"), key = c.req.param("key");
    if (!NAME.test(t) || !KEY.test(key)) return c.json({ error: "invalid name or key" }, 400);
    const p = setSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!p.success) return c.json({ error: z.prettifyError(p.error) }, 400);
    if (!allowed(c.get("actor").level, LEVEL_OF.set)) return c.json({ error: "forbidden" }, 403);
    const data = Object.entries(p.data.data).map(([k, v]) => ` data.${k} ${v}`).join("");
    const [answer] = await deps.run([`set table ${t} key ${key}${data}`], c.get("actor"));
    if (answer === "") return c.json({ ok: true });
    return c.json({ error: answer }, answer === "No such table" ? 404 : 400);
  });
  app.delete("/api/tables/:t/entries/:key", async (c) => {
    const t = c.req.param("t"), key = c.req.param("key");
    if (!NAME.test(t) || !KEY.test(key)) return c.json({ error: "invalid name or key" }, 400);
    if (!allowed(c.get("actor").level, LEVEL_OF.clear)) return c.json({ error: "forbidden" }, 403);
    const [answer] = await deps.run([`clear table ${t} key ${key}`], c.get("actor"));
    if (answer === "") return c.body(null, 204);
    return c.json({ error: answer }, answer === "No such table" ? 404 : 409);
  });
  app.delete("/api/tables/:t", async (c) => {
    const t = c.req.param("t");
    if (!NAME.test(t)) return c.json({ error: "invalid name" }, 400);
    if (!allowed(c.get("actor").level, LEVEL_OF.clear)) return c.json({ error: "forbidden" }, 403);
    const [answer] = await deps.run([`clear table ${t}`], c.get("actor"));
    return answer === "" ? c.body(null, 204) : c.json({ error: answer }, 404);
  });
}
