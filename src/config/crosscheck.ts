/** Checks that span several sections (names that must exist, modes that must agree), run after zod. */
import { isHashed, needsOf } from "../lb/registry.ts";
import { formatAddress } from "./address.ts";
import type { CrossIssue } from "./errors.ts";
import { compileBackendHttpRules, compileFrontendRules } from "./rules.ts";
import type { BackendConfig, Config } from "./schema.ts";
import { tlsIssues } from "./tls_check.ts";
import { serverH2Issues } from "./server_h2.ts";
import { compileStatsAdmin } from "./stats_admin.ts";
import { healthIssues } from "./health_check.ts";
import { serverSnis } from "./server_sni.ts";
import { uncheckedBackends } from "./unchecked.ts";
import { duplicateTables } from "./stick_table.ts";
import { sharedTableIssues } from "./shared_schema.ts";
import { userlistIssues } from "./userlist.ts";

/** The first of `keys` the backend sets itself, to point an error at; none: the backend. */
function ownKey(be: BackendConfig, keys: (keyof BackendConfig)[]): string[] {
  const key = keys.find((k) => be[k] !== undefined);
  return key === undefined ? [] : [key];
}

/** Bind options the proxy implements (the schema knows them before the proxy does). */
const BIND_FEATURES = new Set<string>(["acceptProxy", "tls"]);

/** Every cross-section problem in a config zod accepted, in file order. */
export function crossCheck(config: Config): CrossIssue[] {
  const issues: CrossIssue[] = [];
  const d = config.defaults;
  const unchecked = uncheckedBackends(config);
  const known = [...Object.keys(config.backends), ...unchecked.keys()];
  const bound = new Map<string, { frontend: string; index: number }>();
  for (const dup of duplicateTables(config)) {
    issues.push({ path: dup.path, message: `stick table "${dup.name}" is defined twice` });
  }
  issues.push(...sharedTableIssues(config));

  for (const [name, fe] of Object.entries(config.frontends)) {
    issues.push(...compileFrontendRules(config, name).issues);
    issues.push(...compileStatsAdmin(config, name).issues);
    fe.bind.forEach((address, index) => {
      for (const key of ["tls", "acceptProxy"] as const) {
        if (address[key] && !BIND_FEATURES.has(key)) {
          issues.push({
            path: ["frontends", name, "bind", index, key],
            message: `"${key}" on a bind is not implemented yet`,
          });
        }
      }
      if (address.port === 0) return;
      const text = formatAddress({ host: address.host.toLowerCase(), port: address.port });
      const first = bound.get(text);
      if (first) {
        const owner = first.frontend === name
          ? `this frontend (bind[${first.index}])`
          : `frontend "${first.frontend}"`;
        issues.push({
          path: ["frontends", name, "bind", index],
          message: `address ${text} is already bound by ${owner}`,
        });
      } else bound.set(text, { frontend: name, index });
    });
    if (fe.compression && (fe.mode ?? d.mode) !== "http") {
      issues.push({
        path: ["frontends", name, "compression"],
        message: `compression needs http mode but frontend "${name}" is in tcp mode`,
      });
    }

    if (fe.defaultBackend === undefined) {
      issues.push({
        path: ["frontends", name],
        key: true,
        message: `frontend "${name}" has no defaultBackend: it has nowhere to send traffic`,
      });
      continue;
    }
    const be = config.backends[fe.defaultBackend];
    if (!be && unchecked.has(fe.defaultBackend)) continue; // known, but its mode is not
    if (!be) {
      issues.push({
        path: ["frontends", name, "defaultBackend"],
        message: `unknown backend "${fe.defaultBackend}" (${
          known.length ? `known: ${known.join(", ")}` : "no backends are defined"
        })`,
      });
      continue;
    }
    const feMode = fe.mode ?? d.mode;
    const beMode = be.mode ?? d.mode;
    if (feMode !== beMode) {
      issues.push({
        path: ["frontends", name, fe.mode === undefined ? "defaultBackend" : "mode"],
        message: `frontend "${name}" is in ${feMode} mode but its default backend ` +
          `"${fe.defaultBackend}" is in ${beMode} mode`,
      });
    }
  }

  for (const [name, be] of Object.entries(config.backends)) {
    issues.push(...compileBackendHttpRules(config, name).issues);
    const balance = be.balance ?? d.balance;
    const mode = be.mode ?? d.mode;
    if (needsOf(balance) === "http" && mode !== "http") {
      issues.push({
        path: ["backends", name, be.balance === undefined ? "mode" : "balance"],
        message: `balance ${balance.name} needs http mode but backend "${name}" is in ${mode} mode`,
      });
    }
    if (be.compression && mode !== "http") {
      issues.push({
        path: ["backends", name, "compression"],
        message: `compression needs http mode but backend "${name}" is in tcp mode`,
      });
    }
    const factor = be.hashBalanceFactor ?? d.hashBalanceFactor;
    const hashType = be.hashType ?? d.hashType;
    if (factor > 0 && hashType !== "consistent" && isHashed(balance)) {
      issues.push({
        path: ["backends", name, ...ownKey(be, ["hashBalanceFactor", "hashType", "balance"])],
        message: `hashBalanceFactor ${factor} needs hashType consistent but backend "${name}" ` +
          `hashes ${hashType}`,
      });
    }
    const seen = new Map<string, number>();
    be.servers.forEach((server, index) => {
      const first = seen.get(server.name);
      if (first === undefined) seen.set(server.name, index);
      else {
        issues.push({
          path: ["backends", name, "servers", index, "name"],
          message: `duplicate server name "${server.name}" (also servers[${first}])`,
        });
      }
    });
    // ids: the given ones, else the position; two servers with one id would be ambiguous
    const ids = new Map<number, number>();
    be.servers.forEach((server, index) => {
      const id = server.id ?? index + 1;
      const other = ids.get(id);
      if (other === undefined) ids.set(id, index);
      else {
        issues.push({
          path: ["backends", name, "servers", index, ...(server.id === undefined ? [] : ["id"])],
          message: `server id ${id} is also servers[${other}]'s` +
            (server.id === undefined ? " (a server without id gets its position)" : ""),
        });
      }
    });
  }
  issues.push(...userlistIssues(config));
  issues.push(...tlsIssues(config));
  issues.push(...serverH2Issues(config));
  issues.push(...serverSnis(config).issues);
  issues.push(...healthIssues(config));
  return issues;
}
