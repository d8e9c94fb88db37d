/** Config checks of servers' passive health and health-change settings: what each one needs. */
import type { CrossIssue } from "./errors.ts";
import type { Config } from "./schema.ts";

/**
 * Every server setting that would do nothing, or what HAProxy refuses: observe without check (its
 * manual: observing "also requires to enable health checks"), observe layer7 outside http mode
 * ("can only be used in http proxies"), errorLimit / onError without observe, onMarkedDown /
 * onMarkedUp without check (only checks change a server's health), onMarkedUp on a backup server.
 */
export function healthIssues(config: Config): CrossIssue[] {
  const issues: CrossIssue[] = [];
  for (const [name, be] of Object.entries(config.backends)) {
    const mode = be.mode ?? config.defaults.mode;
    be.servers.forEach((s, i) => {
      const at = (key: string, message: string) =>
        issues.push({ path: ["backends", name, "servers", i, key], message });
      const who = `server "${s.name}"`;
      if (s.observe !== undefined && s.check !== true) {
        at("observe", `observe needs check: true on ${who}: errors in traffic act on its checks`);
      }
      if (s.observe === "layer7" && mode !== "http") {
        at("observe", `observe layer7 needs http mode but backend "${name}" is in ${mode} mode`);
      }
      for (const key of ["errorLimit", "onError"] as const) {
        if (s[key] !== undefined && s.observe === undefined) {
          at(key, `${key} has no effect without observe on ${who}`);
        }
      }
      for (const key of ["onMarkedDown", "onMarkedUp"] as const) {
        if (s[key] !== undefined && s.check !== true) {
          at(key, `${key} needs check: true on ${who}: only health checks change its state`);
        }
      }
      if (s.onMarkedUp !== undefined && s.backup) {
        at("onMarkedUp", `onMarkedUp acts for active servers only, but ${who} is a backup`);
      }
    });
  }
  return issues;
}
