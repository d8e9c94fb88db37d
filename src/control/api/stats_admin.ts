/** The stats page's admin form (fields `s`, `action`, `b` as HAProxy's) as runtime command lines. */

/** Each form action and the command it runs for server `B/S`, as HAProxy's stats admin does. */
export const STATS_ACTIONS: ReadonlyMap<string, (server: string) => string> = new Map([
  ["ready", (s) => `set server ${s} state ready`],
  ["drain", (s) => `set server ${s} state drain`],
  ["maint", (s) => `set server ${s} state maint`],
  ["dhlth", (s) => `disable health ${s}`],
  ["ehlth", (s) => `enable health ${s}`],
  ["hrunn", (s) => `set server ${s} health up`],
  ["hnolb", (s) => `set server ${s} health stopping`],
  ["hdown", (s) => `set server ${s} health down`],
  ["dagent", (s) => `disable agent ${s}`],
  ["eagent", (s) => `enable agent ${s}`],
  ["arunn", (s) => `set server ${s} agent up`],
  ["adown", (s) => `set server ${s} agent down`],
  ["shutdown", (s) => `shutdown sessions server ${s}`],
]);

/** A form decoded: the command lines to run, or HAProxy's status for a form it refuses (ERRP, UNKN, NONE). */
export function formCommands(body: string): { lines: string[] } | { status: string } {
  const f = new URLSearchParams(body);
  const action = f.get("action"), backend = f.get("b"), servers = f.getAll("s");
  if (!action || !backend) return { status: "ERRP" };
  const line = STATS_ACTIONS.get(action);
  if (line === undefined) return { status: "UNKN" };
  if (servers.length === 0) return { status: "NONE" };
  const bad = (n: string) => !/^[\w.:@-]+$/.test(n);
  if (bad(backend) || servers.some(bad)) return { status: "ERRP" };
  return { lines: servers.map((s) => line(`${backend}/${s}`)) };
}
