/** The admin API as a Hono app: the stats page and exports, REST resources mapped onto runtime command lines. */
import { getLogger } from "@logtape/logtape";
import { Hono } from "hono";
import { z } from "zod";
import type { Actor } from "../types.ts";
import { type ApiAccounts, authenticate } from "./api_auth.ts";
import type { ControlLink } from "./link.ts";
import { scopesOf } from "./prometheus.ts";
import { backendJson, serverJson } from "./resources.ts";
import { addTableRoutes } from "./tables.ts";

const log = getLogger(["tsproxy", "api"]);

/** What the bridge passes each request: the client's address. */
export interface ApiEnv {
  readonly client: string;
}

type Vars = { Bindings: ApiEnv; Variables: { actor: Actor } };

const NAME = /^[\w.:@-]+$/;
const patchSchema = z.strictObject({
  state: z.enum(["ready", "drain", "maint"]).optional(),
  weight: z.number().int().min(0).max(256).optional(),
  health: z.enum(["up", "stopping", "down"]).optional(),
  address: z.string().regex(/^[\w.:[\]-]+$/).optional(),
  port: z.number().int().min(1).max(65535).optional(),
});
const addSchema = z.strictObject({
  name: z.string().regex(NAME),
  address: z.string().regex(/^[\w.:[\]-]+:\d+$/, "expected host:port"),
  weight: z.number().int().min(0).max(256).optional(),
  check: z.boolean().optional(),
  backup: z.boolean().optional(),
  enable: z.boolean().default(true),
});
const commandSchema = z.strictObject({ command: z.string().min(1).max(4096) });

/** The lines a PATCH of server `B/S` runs, in HAProxy's order of concerns. */
export function patchLines(server: string, p: z.output<typeof patchSchema>): string[] {
  const lines: string[] = [];
  if (p.address !== undefined) {
    lines.push(`set server ${server} addr ${p.address}${p.port ? ` port ${p.port}` : ""}`);
  }
  if (p.weight !== undefined) lines.push(`set server ${server} weight ${p.weight}`);
  if (p.health !== undefined) lines.push(`set server ${server} health ${p.health}`);
  if (p.state !== undefined) lines.push(`set server ${server} state ${p.state}`);
  return lines;
}

/** The app; `accounts` decide who may call it, `link` reaches the running proxy and its CommandRunner. */
export function apiApp(accounts: ApiAccounts, link: ControlLink): Hono<Vars> {
  const app = new Hono<Vars>();
  app.use("*", async (c, next) => {
    const who = authenticate(accounts, c.req.header("authorization"), c.env.client);
    if ("refused" in who) {
      log.warn(`api: refused ${c.req.method} ${c.req.path} from ${c.env.client}: ${who.refused}`);
      c.header("www-authenticate", 'Bearer realm="tsproxy", Basic realm="tsproxy"');
      return c.json({ error: "unauthorized" }, 401);
    }
    c.set("actor", who);
    await next();
  });
  app.onError((err, c) => c.json({ error: err.message }, 500));
  const proxy = () => {
    if (link.proxy === null) throw new Error("the proxy is not running yet");
    return link.proxy;
  };
  const run = async (lines: string[], actor: Actor): Promise<string[]> => {
    const runner = link.runner;
    if (runner === null) throw new Error("no command runner is connected");
    const out: string[] = [];
    for (const l of lines) out.push((await runner.run(l, actor)).trim());
    return out;
  };
  const r = () => link.renderers;
  // the exports: every worker's totals under a master (see ControlLink.gather)
  const totals = () => link.gather ? link.gather() : Promise.resolve(proxy());

  app.get("/stats", async (c) => c.html(r().renderHtml(await totals(), statsHtml)));
  app.get("/stats.csv", async (c) => c.text(r().renderCsv(await totals())));
  app.get("/stats.json", async (c) => c.body(r().renderJson(await totals()), 200, JSON_TYPE));
  app.get(
    "/metrics",
    async (c) => c.text(r().renderPrometheus(await totals(), scopesOf(c.req.url))),
  );
  app.get("/api/stats", async (c) => c.body(r().renderJson(await totals()), 200, JSON_TYPE));
  app.get("/api/backends", (c) => c.json([...proxy().backends.values()].map(backendJson)));
  app.get("/api/backends/:b", (c) => {
    const be = proxy().backends.get(c.req.param("b"));
    return be ? c.json(backendJson(be)) : c.json({ error: "no such backend" }, 404);
  });
  app.get("/api/backends/:b/servers/:s", (c) => {
    const s = proxy().backends.get(c.req.param("b"))?.servers.find((s) =>
      s.name === c.req.param("s")
    );
    return s ? c.json(serverJson(s)) : c.json({ error: "no such server" }, 404);
  });
  app.patch("/api/backends/:b/servers/:s", async (c) => {
    const b = c.req.param("b"), s = c.req.param("s");
    if (!NAME.test(b) || !NAME.test(s)) return c.json({ error: "invalid name" }, 400);
    const p = patchSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!p.success) return c.json({ error: z.prettifyError(p.error) }, 400);
    const answers = await run(patchLines(`${b}/${s}`, p.data), c.get("actor"));
    const failed = answers.filter((a) => a !== "");
    return failed.length === 0 ? c.json({ ok: true }) : c.json({ error: failed.join("\n") }, 400);
  });
  app.post("/api/backends/:b/servers", async (c) => {
    const b = c.req.param("b");
    if (!NAME.test(b)) return c.json({ error: "invalid name" }, 400);
    const p = addSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!p.success) return c.json({ error: z.prettifyError(p.error) }, 400);
    const d = p.data, id = `${b}/${d.name}`;
    const words = [`add server ${id} ${d.address}`];
    if (d.weight !== undefined) words.push(`weight ${d.weight}`);
    if (d.check) words.push("check");
    if (d.backup) words.push("backup");
    const [added] = await run([words.join(" ")], c.get("actor"));
    if (!/^New server registered/i.test(added!)) return c.json({ error: added }, 400);
    if (d.enable) await run([`enable server ${id}`], c.get("actor"));
    return c.json({ ok: true, answer: added }, 201);
  });
  app.delete("/api/backends/:b/servers/:s", async (c) => {
    const b = c.req.param("b"), s = c.req.param("s");
    if (!NAME.test(b) || !NAME.test(s)) return c.json({ error: "invalid name" }, 400);
    const [answer] = await run([`del server ${b}/${s}`], c.get("actor"));
    return /^Server deleted/i.test(answer!) ? c.body(null, 204) : c.json({ error: answer }, 400);
  });
  addTableRoutes(app, { proxy, run });
  app.post("/api/commands", async (c) => {
    const p = commandSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!p.success) return c.json({ error: z.prettifyError(p.error) }, 400);
    const [answer] = await run([p.data.command], c.get("actor"));
    return c.text(answer === "" ? "" : `${answer}\n`);
  });
  return app;
}

const JSON_TYPE = { "content-type": "application/json" };
const statsHtml = { uri: "/stats", refresh: 0, admin: false, hideVersion: false };
