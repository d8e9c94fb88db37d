/** Turns a validated config into the proxy's plan: defaults merged, addresses and servers flattened, files read. */
import { ErrorCaptures } from "../stats/error_captures.ts";
import { readFile } from "node:fs/promises";
import { checkPlans } from "./checks.ts";
import type { Config } from "../config/schema.ts";
import { effective, type EffectiveFrontend } from "../config/effective.ts";
import { effectiveCompression } from "../config/compression_effective.ts";
import type { EffectiveCompression } from "../compress/policy.ts";
import { type BackendHttpRules, hasRules } from "../rules/rule_sets.ts";
import { compileBackendHttpRules, compileFrontendRules } from "../config/rules.ts";
import { accessLogger } from "../log/access_sink.ts";
import { cidrMatcher } from "../net/cidr.ts";
import { ErrorPages } from "../proxy/http/error_pages.ts";
import { FrontendCompression } from "../proxy/http/compress.ts";
import type { HttpFrontendOptions } from "../proxy/http/options.ts";
import type { ProxyPlan } from "../proxy/proxy.ts";
import { bindTlsPlan, readsTlsFacts } from "./bind_tls.ts";
import { configDir } from "../config/base_dir.ts";
import { serverTlsPlan } from "./server_tls.ts";
import { serverSnis } from "../config/server_sni.ts";
import { ControlLink } from "../control/api/link.ts";
import { apiFrontend, frontendServices } from "./services.ts";
import { stickTableSpecs } from "../config/stick_table_specs.ts";
import { StickTable } from "../stick/table.ts";
import { SharedStickTable } from "../stick/shared/shared_table.ts";
import { persistenceFor } from "./stick.ts";
import { h2Limits, h2Mux, h2Start } from "./h2.ts";
import { serverH2 } from "../config/server_h2.ts";
import type { Persistence } from "../stick/persist.ts";
import { now } from "../runtime/clock.ts";
import type { SampleContext } from "../rules/mod.ts";

/**
 * The config's stick tables, built empty; null when it has none (nothing per request then). On
 * reload, a table of `kept` with the same name and spec is kept with its entries.
 */
function stickTables(
  config: Config,
  kept: ReadonlyMap<string, StickTable> | null | undefined,
): ReadonlyMap<string, StickTable> | null {
  const specs = stickTableSpecs(config);
  if (specs.size === 0) return null;
  return new Map([...specs].map(([name, spec]) => {
    const old = kept?.get(name);
    const same = old && JSON.stringify(old.spec) === JSON.stringify(spec);
    return [name, same ? old : new (spec.shared ? SharedStickTable : StickTable)(spec, now)];
  }));
}

/**
 * `link`: what the local services (stats page, API) reach once the proxy runs; `startProxy` fills
 * it. `kept`: the stick tables of the plan a reload replaces.
 */
export async function planFromConfig(
  config: Config,
  link: ControlLink = new ControlLink(),
  kept?: ReadonlyMap<string, StickTable> | null,
): Promise<ProxyPlan> {
  const eff = effective(config);
  const base = configDir(config);
  const tune = config.global.tune;
  const frontends: ProxyPlan["frontends"] = [];
  const stick = stickTables(config, kept);
  for (const f of eff.frontends) {
    const compiled = compileFrontendRules(config, f.name);
    compiled.rules.stick = stick;
    if (compiled.issues.length > 0) {
      throw new Error(`frontend ${f.name}: ${compiled.issues[0]!.message}`);
    }
    frontends.push({
      name: f.name,
      mode: f.mode,
      binds: f.bind.map((a, i) => ({
        host: a.host,
        port: a.port,
        ...(a.acceptProxy ? { acceptProxy: true } : {}),
        ...(a.tls
          ? {
            tls: bindTlsPlan(
              a.tls,
              `frontend ${f.name} bind[${i}]`,
              f.timeout.client,
              base,
              readsTlsFacts(config, f.name),
            ),
          }
          : {}),
      })),
      maxconn: f.maxconn,
      clientTimeout: f.timeout.client,
      defaultBackend: f.defaultBackend,
      rules: hasRules(compiled.rules) ? compiled.rules : null,
      http: f.mode === "http"
        ? { ...await httpOptions(f, config), captures: new ErrorCaptures(f.name) }
        : null,
      accessLog: accessLogger(f.log),
      inspectBuffer: tune.bufsize,
      ...(f.rateLimitSessions ? { rateLimitSessions: f.rateLimitSessions } : {}),
      services: f.mode === "http"
        ? frontendServices(config, f.name, link, compiled.rules.tcp.content.length)
        : null,
    });
  }
  const api = await apiFrontend(config, link, base);
  if (api !== null) frontends.push(api);
  const { snis, issues: sniIssues } = serverSnis(config);
  if (sniIssues.length > 0) {
    const first = sniIssues[0]!;
    throw new Error(`${first.path.join(".")}: ${first.message}`);
  }
  const backendRules = new Map<string, BackendHttpRules>();
  const persistence = new Map<string, Persistence<SampleContext>>();
  for (const name of Object.keys(config.backends)) {
    const compiled = compileBackendHttpRules(config, name);
    if (compiled.issues.length > 0) {
      throw new Error(`backend ${name}: ${compiled.issues[0]!.message}`);
    }
    if (compiled.rules) backendRules.set(name, compiled.rules);
    const p = persistenceFor(name, compiled.stick, stick);
    if (p !== null) persistence.set(name, p);
  }
  return {
    maxconn: eff.global.maxconn,
    rateLimitSessions: config.global.rateLimitSessions ?? 0,
    backendRules,
    stickTables: stick,
    checks: checkPlans(eff.backends, base),
    hardStopAfter: eff.global.hardStopAfter,
    frontends,
    backends: eff.backends.map((b) => ({
      name: b.name,
      mode: b.mode,
      balance: b.balanceSpec,
      hashType: b.hashType,
      hashFunction: b.hashFunction,
      hashBalanceFactor: b.hashBalanceFactor,
      retries: b.retries,
      retryOn: b.retryOn,
      redispatch: b.redispatch,
      allBackups: b.allBackups,
      cookie: b.cookie ?? null,
      stick: persistence.get(b.name) ?? null,
      connectTimeout: b.timeout.connect,
      queueTimeout: b.timeout.queue,
      serverTimeout: b.timeout.server,
      tarpitTimeout: b.timeout.tarpit,
      poolMaxConn: b.httpReuse === "never" ? 0 : b.poolMaxConn,
      reuseFirst: b.httpReuse === "always",
      poolPurgeDelay: b.poolPurgeDelay,
      mux: b.mode === "http" && b.servers.some((s) => serverH2(s) !== "never")
        ? h2Mux(h2Limits(config), b.name)
        : undefined,
      servers: b.servers.map((s, i) => ({
        name: s.name,
        host: s.address.host,
        port: s.address.port,
        weight: s.weight,
        maxconn: s.maxconn,
        maxqueue: s.maxqueue,
        ...(s.id === undefined ? {} : { id: s.id }),
        cookie: s.cookie,
        backup: s.backup,
        disabled: s.disabled,
        drain: s.drain,
        onMarkedDown: s.onMarkedDown,
        onMarkedUp: s.onMarkedUp,
        slowstart: s.slowstart,
        sendProxy: s.sendProxy,
        sendProxyV2: s.sendProxyV2,
        h2: b.mode === "http" ? serverH2(s) : "never",
        tls:
          serverTlsPlan(s, `backend ${b.name} server ${s.name}`, base, snis.get(b.name)?.get(i)) ??
            undefined,
      })),
    })),
  };
}

async function httpOptions(f: EffectiveFrontend, config: Config): Promise<HttpFrontendOptions> {
  const tune = config.global.tune;
  const files = new Map<number, Uint8Array>();
  for (const [status, path] of Object.entries(f.errorfiles)) {
    try {
      files.set(Number(status), new Uint8Array(await readFile(path)));
    } catch (err) {
      throw new Error(
        `frontend ${f.name}: errorfiles.${status}: cannot read ${path}: ${(err as Error).message}`,
      );
    }
  }
  const ff = f.forwardfor;
  return {
    limits: {
      maxHead: tune.bufsize,
      maxRequestLine: tune.maxRequestLine,
      maxHeaders: tune.maxHeaders,
    },
    clientTimeout: f.timeout.client,
    httpRequestTimeout: f.timeout.httpRequest,
    httpKeepAliveTimeout: f.timeout.httpKeepAlive,
    tunnelTimeout: f.timeout.tunnel,
    tarpitTimeout: f.timeout.tarpit,
    connectionMode: f.httpConnectionMode,
    forwardFor: ff
      ? { header: ff.header, except: ff.except ? cidrMatcher(ff.except) : null }
      : null,
    forwardedProto: f.forwardedProto,
    forwarded: f.forwarded,
    via: f.via,
    acceptConnect: f.acceptConnect,
    errors: new ErrorPages(files),
    compression: compressionOf(config, f.name),
    h2: h2Start(h2Limits(config)),
  };
}

/** The frontend's compression settings for each backend its requests may reach; null if none compresses. */
function compressionOf(config: Config, fe: string): FrontendCompression | null {
  const byBackend = new Map<string, EffectiveCompression>();
  for (const be of Object.keys(config.backends)) {
    const c = effectiveCompression(config, fe, be);
    if (c !== null) byBackend.set(be, c);
  }
  return byBackend.size > 0 ? new FrontendCompression(byBackend) : null;
}
