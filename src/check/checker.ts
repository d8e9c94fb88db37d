/** Runs one server's health checks on a timer, moves the server UP and DOWN, and logs each change. */
import { getLogger } from "@logtape/logtape";
import type { Backend } from "../backend/backend.ts";
import { serverCameUp, serverWentDown } from "../backend/on_marked.ts";
import type { Server } from "../backend/server.ts";
import type { ServerTls } from "../backend/server_tls.ts";
import type { Runtime } from "../runtime/types.ts";
import { Health } from "./health.ts";
import type { HttpCheckSpec } from "./http_check.ts";
import { checkFailedMessage, noServerMessage, transitionMessage } from "./messages.ts";
import { type ObservePlan, Observer } from "./observe.ts";
import { probe } from "./probe.ts";
import { HEALTH_ANALYZE, type Verdict } from "./verdict.ts";

const log = getLogger(["tsproxy", "check"]);

/** One checked server, everything definite (see plan.ts for how the config gives it). */
export interface CheckPlan {
  readonly backend: string;
  readonly server: string;
  /** Where checks connect: the server's address unless `addr` / `port` override it. */
  readonly host: string;
  readonly port: number;
  readonly rise: number;
  readonly fall: number;
  readonly inter: number;
  readonly fastinter: number;
  readonly downinter: number;
  /** The backend's `timeout.connect`. */
  readonly connectTimeout: number;
  /** The backend's `timeout.check`, or null when unset. */
  readonly checkTimeout: number | null;
  /** null: a TCP connect check. */
  readonly http: HttpCheckSpec | null;
  /** TLS for the check connection (check-ssl); null or absent: plain TCP. */
  readonly tls?: ServerTls | null;
  /** Passive health (observe): live traffic's errors also count; null or absent: off. */
  readonly observe?: ObservePlan | null;
}

/**
 * HAProxy's check timeouts: with `timeout.check` set, connecting may take min(timeout.connect, inter)
 * and reading the reply timeout.check; without it, the whole check (connect and read) gets `inter`.
 */
export function checkTimeouts(
  plan: CheckPlan,
): { connect: number; read: (spent: number) => number } {
  if (plan.checkTimeout !== null) {
    const read = plan.checkTimeout;
    return { connect: Math.min(plan.connectTimeout, plan.inter), read: () => read };
  }
  return { connect: plan.inter, read: (spent) => Math.max(1, plan.inter - spent) };
}

/**
 * Checks one server: the next check starts an interval after the previous one ended (`inter`,
 * `fastinter` or `downinter`, as {@link Health.interval} says), one at a time. A server in MAINT is
 * not checked (its turn passes). A check result moves `state` only between UP and DOWN: a DRAIN
 * server keeps its admin state while its health is still tracked and logged.
 *
 * With `observe`, the server's {@link Observer} reports errorLimit errors in a row from live
 * traffic (HAProxy's health_adjust): every `onError` forces fastinter for the next check (brought
 * forward when that is sooner); fail-check counts one failed check, sudden-death first drops the
 * health so one more failure is fatal, mark-down drops it to rise so this one is.
 */
export class Checker {
  readonly plan: CheckPlan;
  #runtime: Runtime;
  #backend: Backend;
  #server: Server;
  #health: Health;
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** When the pending check is due (ms since the epoch). */
  #due = 0;
  /** observe asked for fastinter: the next interval uses it (HAProxy's CHK_ST_FASTINTER). */
  #fast = false;
  #observer: Observer | null = null;
  #inFlight: AbortController | null = null;
  #stopped = false;

  constructor(plan: CheckPlan, backend: Backend, server: Server, runtime: Runtime) {
    this.plan = plan;
    this.#backend = backend;
    this.#server = server;
    this.#runtime = runtime;
    this.#health = new Health(plan);
  }

  /** Milliseconds to the next check now (before the first: `fastinter` unless fall is 1). */
  get interval(): number {
    return this.#health.interval();
  }

  /**
   * Resumes the health of the server this one replaces on reload (`Server.inherit` copied its
   * check health and verdict): a DOWN server stays DOWN until `rise` checks pass. Before `start`.
   */
  resume(): void {
    this.#health.restore(this.#server.checkHealth, this.#server.running);
  }

  /** Starts checking; the first check runs after `delay` ms. */
  start(delay: number): void {
    if (this.#stopped) throw new Error(`Checker ${this.#name}: start() after stop()`);
    this.#server.checked = true;
    this.#server.checkHealth = this.#health.health;
    this.#server.checkRise = this.plan.rise;
    this.#server.checkFall = this.plan.fall;
    if (this.plan.observe) {
      // the action waits for the traffic event that reported to be handled (no re-entry there)
      const act = (info: string) => queueMicrotask(() => this.#passiveFailure(info));
      this.#observer = new Observer(this.plan.observe, act);
      this.#server.observer = this.#observer;
    }
    this.#schedule(delay);
  }

  /** Stops for good: no more checks; a check in flight is abandoned and its socket closed. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#inFlight?.abort();
    this.#inFlight = null;
    this.#server.checked = false;
    if (this.#server.observer === this.#observer) this.#server.observer = null;
  }

  get #name(): string {
    return `${this.plan.backend}/${this.plan.server}`;
  }

  #schedule(ms: number): void {
    this.#due = Date.now() + ms;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#run();
    }, ms);
  }

  async #run(): Promise<void> {
    if (this.#stopped) return;
    if (!this.#backend.servers.includes(this.#server)) return this.stop(); // del server
    if (this.#server.state === "MAINT" || !this.#server.healthEnabled) {
      this.#schedule(this.plan.inter);
      return;
    }
    const plan = this.plan;
    const timeouts = checkTimeouts(plan);
    const ctl = new AbortController();
    this.#inFlight = ctl;
    const started = Date.now();
    let verdict: Verdict | null;
    try {
      verdict = await probe(this.#runtime, {
        host: plan.host,
        port: plan.port,
        connectTimeout: timeouts.connect,
        readTimeout: timeouts.read,
        http: plan.http,
        tls: plan.tls ?? null,
      }, ctl.signal);
    } catch (err) {
      // probe() does not reject; should it ever, the check counts as failed rather than stopping.
      verdict = { ok: false, status: "Socket error", info: (err as Error).message };
    }
    if (this.#inFlight === ctl) this.#inFlight = null;
    if (this.#stopped || verdict === null) return;
    this.#record(verdict, Date.now() - started);
    this.#schedule(this.#health.interval(this.#fast));
    this.#fast = false;
  }

  /** observe reached errorLimit (HAProxy's __health_adjust): the server's onError acts. */
  #passiveFailure(info: string): void {
    if (this.#stopped) return;
    const onError = this.plan.observe!.onError;
    this.#fast = true;
    if (onError === "fastinter") {
      log.info`Server ${this.#name}: ${info}; next check at fastinter.`;
    } else {
      if (onError === "sudden-death") this.#health.suddenDeath();
      else if (onError === "mark-down") this.#health.markDown();
      this.#record({ ok: false, status: HEALTH_ANALYZE, info }, -1);
    }
    this.#server.counters.hanafail++;
    this.#advance();
  }

  /** A forced fastinter brings the pending check forward when it comes sooner. */
  #advance(): void {
    if (this.#timer === null || this.#stopped) return; // a check runs: its end reads #fast
    const at = Date.now() + this.#health.interval(this.#fast);
    if (at >= this.#due) return;
    clearTimeout(this.#timer);
    this.#fast = false;
    this.#schedule(at - Date.now());
  }

  #record(verdict: Verdict, durationMs: number): void {
    const s = this.#server;
    s.lastCheck = { ...verdict, durationMs, at: Date.now() };
    // HAProxy's chkfail: failed checks of a server not already fully DOWN.
    if (!verdict.ok && this.#health.health > 0) s.counters.chkfail++;
    if (verdict.ok) this.#observer?.reset();
    const to = this.#health.record(verdict.ok);
    s.checkHealth = this.#health.health;
    if (to === null) {
      if (verdict.status === HEALTH_ANALYZE) log.info`${this.#failedLine(verdict, durationMs)}`;
      return;
    }
    if (s.state === "UP" || s.state === "DOWN") s.moveTo(to);
    else s.lastChange = Date.now();
    this.#backend.refreshBackups();
    s.running = to === "UP";
    if (to === "DOWN") s.counters.chkdown++;
    else if (s.state === "UP") s.cameUp(); // its slowstart, if any, begins
    const be = this.#backend;
    const { active, backups } = upServers(be);
    if (active + backups === (to === "UP" && s.state === "UP" && s.weight > 0 ? 1 : 0)) {
      be.lastChange = s.lastChange; // the backend lost its last server, or got one back
      if (to === "DOWN") be.counters.chkdown++;
    }
    // on-marked-down / on-marked-up, and a DOWN server's idle connections: before the log line
    if (to === "DOWN") serverWentDown(be, s);
    else serverCameUp(be, s);
    const line = transitionMessage({
      backend: this.#backend.name,
      server: s.name,
      backup: s.backup,
      to,
      verdict,
      durationMs,
      active,
      backups,
    });
    log.warn`${line}`;
    if (to === "DOWN" && active + backups === 0) {
      log.error`${noServerMessage(this.#backend.name)}`;
    }
  }

  #failedLine(verdict: Verdict, durationMs: number): string {
    const s = this.#server;
    return checkFailedMessage({
      backend: this.#backend.name,
      server: s.name,
      backup: s.backup,
      verdict,
      durationMs,
      health: this.#health.health,
      rise: this.plan.rise,
      fall: this.plan.fall,
      draining: s.state === "DRAIN" || s.weight <= 0,
    });
  }
}

/** The servers of `be` taking traffic (UP, weight above 0), active and backup. */
function upServers(be: Backend): { active: number; backups: number } {
  let active = 0, backups = 0;
  for (const x of be.servers) {
    if (x.state !== "UP" || x.weight <= 0) continue;
    if (x.backup) backups++;
    else active++;
  }
  return { active, backups };
}
