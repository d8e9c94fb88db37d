/** From the config (defaults merged) to one CheckPlan per server with `check: true`. */
import type { EffectiveBackend } from "../config/effective.ts";
import type { CheckPlan } from "../check/checker.ts";
import { DEFAULT_EXPECT } from "../check/expect.ts";
import type { HttpCheckSpec } from "../check/http_check.ts";
import { OBSERVE_DEFAULTS } from "../check/observe.ts";
import type { ServerTls } from "../backend/server_tls.ts";
import { checkTlsPlan } from "./server_tls.ts";

/** HAProxy's defaults: `inter 2s`, `rise 2`, `fall 3`; fastinter and downinter default to inter. */
export const CHECK_DEFAULTS = { inter: 2000, rise: 2, fall: 3 } as const;

/** Every checked server of `backends`, in config order. */
export function checkPlans(
  backends: readonly EffectiveBackend[],
  /** The config file's directory, for relative TLS file names (check-ssl). */
  base?: string,
): CheckPlan[] {
  const plans: CheckPlan[] = [];
  for (const be of backends) {
    const hc = be.httpCheck;
    const http: HttpCheckSpec | null = hc
      ? {
        method: hc.method,
        uri: hc.uri,
        version: hc.version,
        headers: hc.headers,
        expect: hc.expect ?? DEFAULT_EXPECT,
      }
      : null;
    for (const s of be.servers) {
      if (s.check !== true) continue;
      const inter = s.inter ?? CHECK_DEFAULTS.inter;
      plans.push({
        backend: be.name,
        server: s.name,
        host: s.addr ?? s.address.host,
        port: s.port ?? s.address.port,
        rise: s.rise ?? CHECK_DEFAULTS.rise,
        fall: s.fall ?? CHECK_DEFAULTS.fall,
        inter,
        fastinter: s.fastinter ?? inter,
        downinter: s.downinter ?? inter,
        connectTimeout: be.timeout.connect,
        checkTimeout: be.timeout.check ?? null,
        http,
        ...tlsOf(checkTlsPlan(s, `backend ${be.name} server ${s.name}`, base)),
        ...(s.observe
          ? {
            observe: {
              layer: s.observe,
              errorLimit: s.errorLimit ?? OBSERVE_DEFAULTS.errorLimit,
              onError: s.onError ?? OBSERVE_DEFAULTS.onError,
            },
          }
          : {}),
      });
    }
  }
  return plans;
}

/** `{ tls }` for a check over TLS (check-ssl), nothing for a plain one. */
function tlsOf(tls: ServerTls | null): { tls?: ServerTls } {
  return tls ? { tls } : {};
}
