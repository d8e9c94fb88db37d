/** Defaults for the non-numeric fields of the stats views, for tests that build views by hand. */
import type { ServerView } from "../../../src/stats/views.ts";

/** A server UP, unchecked, active, weight 1, with no check result: spread it into a view. */
export const SERVER_STATE: Omit<
  ServerView,
  "name" | "counters" | "cur" | "max" | "maxconn" | "maxqueue" | "lastChange"
> = {
  id: 1,
  address: "127.0.0.1:80",
  backup: false,
  standby: false,
  weight: 1,
  effectiveWeight: 1,
  state: "UP",
  running: true,
  checked: false,
  checkHealth: 0,
  checkRise: 0,
  checkFall: 0,
  lastCheck: null,
};
