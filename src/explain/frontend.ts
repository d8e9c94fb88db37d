/** Which frontend takes a request: by name, by the address it was sent to, else the first HTTP one. */
import type { ProxyPlan } from "../proxy/proxy_plan.ts";

export type PlanFrontend = ProxyPlan["frontends"][number];

const WILDCARDS = new Set(["", "0.0.0.0", "::", "*"]);

/** The frontend, why it, and the address the client connected to (given, or its first bind's). */
export interface FrontendChoice {
  readonly fe: PlanFrontend;
  readonly why: string;
  readonly dst: { readonly host: string; readonly port: number };
  /** The bind it came in on terminates TLS. */
  readonly tls: boolean;
}

/**
 * Picks among the config's own frontends of `plan` (`names`: not the admin API's). Throws a
 * RangeError naming the frontends when none fits, or when the one named is in tcp mode.
 */
export function chooseFrontend(
  plan: ProxyPlan,
  names: ReadonlySet<string>,
  want: { frontend?: string | undefined; dst?: { host: string; port: number } | undefined },
): FrontendChoice {
  const all = plan.frontends.filter((f) => names.has(f.name));
  const list = all.map((f) => f.name).join(", ") || "none";
  let fe: PlanFrontend | undefined, why: string;
  let bind = 0;
  if (want.frontend !== undefined) {
    fe = all.find((f) => f.name === want.frontend);
    if (!fe) throw new RangeError(`no frontend named "${want.frontend}" (frontends: ${list})`);
    why = "--frontend";
  } else if (want.dst !== undefined) {
    const d = want.dst;
    for (const f of all) {
      const i = f.binds.findIndex((b) =>
        b.port === d.port && (b.host === d.host || WILDCARDS.has(b.host))
      );
      if (i >= 0) {
        fe = f;
        bind = i;
        break;
      }
    }
    if (!fe) {
      throw new RangeError(`no frontend binds ${d.host}:${d.port} (frontends: ${list})`);
    }
    const b = fe.binds[bind]!;
    why = `its bind ${b.host || "*"}:${b.port} takes ${d.host}:${d.port}`;
  } else {
    fe = all.find((f) => f.mode === "http");
    if (!fe) throw new RangeError(`the config has no HTTP frontend (frontends: ${list})`);
    why = "the first HTTP frontend";
  }
  if (fe.mode !== "http" || fe.http === null) {
    throw new RangeError(`frontend ${fe.name} is in tcp mode: explain follows HTTP requests`);
  }
  const b = fe.binds[bind];
  const dst = want.dst ?? {
    host: b === undefined || WILDCARDS.has(b.host)
      ? (b?.host === "::" ? "::1" : "127.0.0.1")
      : b.host,
    port: b?.port ?? 80,
  };
  return { fe, why, dst, tls: b?.tls !== undefined };
}
