/** The stats page as a local service (HAProxy's `stats uri`): HTML, `;csv`, `;json`, Basic auth, the admin form. */
import type { Condition } from "../../rules/condition.ts";
import type { LocalService, ServiceAnswer, ServiceRequest } from "../../proxy/http/service.ts";
import { fieldOf, readAuthorization, sameSecret } from "./basic_auth.ts";
import type { ControlLink } from "./link.ts";
import { formCommands } from "./stats_admin.ts";

export interface StatsSettings {
  readonly uri: string;
  /** Seconds; 0: no refresh. */
  readonly refresh: number;
  /** "user:password" entries; empty: no authentication. */
  readonly auth: readonly string[];
  readonly realm: string;
  /** The `stats admin` condition, or null: no admin forms. */
  readonly admin: Condition | null;
  readonly hideVersion: boolean;
}

const NO_STORE: [string, string] = ["cache-control", "no-cache"];

export class StatsPage implements LocalService {
  readonly name = "stats";
  readonly #o: StatsSettings;
  readonly #link: ControlLink;

  constructor(settings: StatsSettings, link: ControlLink) {
    this.#o = settings;
    this.#link = link;
  }

  /** True when `target`'s path starts with the stats uri (HAProxy compares the beginning). */
  takes(target: string): boolean {
    return target.startsWith(this.#o.uri);
  }

  async serve(req: ServiceRequest): Promise<ServiceAnswer> {
    const o = this.#o;
    const user = this.#user(req);
    if (user === null) {
      return {
        status: 401,
        headers: [["www-authenticate", `Basic realm="${o.realm}"`], ["content-type", "text/html"]],
        body: "<html><body><h1>401 Unauthorized</h1>\nYou need a valid user and password to " +
          "access this content.\n</body></html>\n",
      };
    }
    const proxy = this.#link.gather ? await this.#link.gather() : this.#link.proxy;
    if (proxy === null) return { status: 503, headers: [], body: "" };
    const admin = o.admin !== null && o.admin.test(req.ctx);
    const suffix = req.head.target.slice(o.uri.length);
    if (req.head.method === "POST") return await this.#post(req, user, admin);
    const r = this.#link.renderers;
    if (suffix.includes(";csv")) {
      return {
        status: 200,
        headers: [["content-type", "text/plain"], NO_STORE],
        body: r.renderCsv(proxy),
      };
    }
    if (suffix.includes(";json")) {
      return {
        status: 200,
        headers: [["content-type", "application/json"], NO_STORE],
        body: r.renderJson(proxy),
      };
    }
    const st = /;st=([A-Z]+)/.exec(suffix)?.[1];
    const html = r.renderHtml(proxy, {
      uri: o.uri,
      refresh: suffix.includes(";norefresh") ? 0 : o.refresh,
      admin,
      hideVersion: o.hideVersion,
      ...(st ? { status: st } : {}),
    });
    return { status: 200, headers: [["content-type", "text/html"], NO_STORE], body: html };
  }

  /** The admin form: each server's command through the runner, then back to the page (303) with HAProxy's status. */
  async #post(req: ServiceRequest, user: string, admin: boolean): Promise<ServiceAnswer> {
    const back = (st: string): ServiceAnswer => ({
      status: 303,
      headers: [["location", `${this.#o.uri};st=${st}`]],
      body: "",
    });
    const runner = this.#link.runner;
    if (!admin || runner === null) return back("DENY");
    const form = formCommands(new TextDecoder().decode(req.body));
    if ("status" in form) return back(form.status);
    const who = `stats ${user === "" ? "anonymous" : user}@${req.ctx.src}`;
    let done = 0;
    for (const line of form.lines) {
      const answer = await runner.run(line, { who, level: "admin" });
      if (answer.trim() === "") done++;
    }
    return back(done === form.lines.length ? "DONE" : done > 0 ? "PART" : "ERRP");
  }

  /** The authenticated user ("" when the page has no auth), or null: refused. */
  #user(req: ServiceRequest): string | null {
    if (this.#o.auth.length === 0) return "";
    const c = readAuthorization(fieldOf(req.head.headers, "authorization"));
    if (c === null || c.kind !== "basic") return null;
    const given = `${c.user}:${c.password}`;
    return this.#o.auth.some((a) => sameSecret(a, given)) ? c.user : null;
  }
}
