/** The exporter's state series: status enums (one series per state, 1 for the current one) and the last check's code and duration. */
import type { BackendView, FrontendView, ServerView } from "../views.ts";
import { backendStatus, CHECK_STATES, checkShort, serverStatus, showsCheckCode } from "./status.ts";

/** One extra metric of a scope: its name after `haproxy_<scope>_`, type, help and series per object. */
export interface StateMetric<V> {
  readonly name: string;
  readonly kind: "gauge";
  readonly help: string;
  /** [extra labels, value] per series of `x`; none when it does not apply. */
  series(x: V): [Record<string, string>, number][];
}

function states(all: readonly string[], now: string): [Record<string, string>, number][] {
  return all.map((state) => [{ state }, state === now ? 1 : 0]);
}

/** HAProxy's server state for the exporter: the status word without its "1/3" part. */
function serverState(s: ServerView): string {
  const word = serverStatus(s).split(" ")[0]!;
  return word === "no" ? "UP" : word;
}

export const FRONTEND_STATES: readonly StateMetric<FrontendView>[] = [{
  name: "status",
  kind: "gauge",
  help: "Current status of the service (1 for the state it is in)",
  series: () => states(["DOWN", "UP"], "UP"),
}];

export const BACKEND_STATES: readonly StateMetric<BackendView>[] = [{
  name: "status",
  kind: "gauge",
  help: "Current status of the service (1 for the state it is in)",
  series: (b) => states(["DOWN", "UP"], backendStatus(b)),
}];

export const SERVER_STATES: readonly StateMetric<ServerView>[] = [
  {
    name: "status",
    kind: "gauge",
    help: "Current status of the server (1 for the state it is in)",
    series: (s) => states(["DOWN", "UP", "MAINT", "DRAIN", "NOLB"], serverState(s)),
  },
  {
    name: "check_status",
    kind: "gauge",
    help: "Status of the last health check (1 for its short status)",
    series: (s) =>
      s.checked && s.lastCheck !== null ? states(CHECK_STATES, checkShort(s.lastCheck.status)) : [],
  },
  {
    name: "check_code",
    kind: "gauge",
    help: "layer5-7 code, if available, of the last health check",
    series: (s) =>
      s.checked
        ? [[{}, s.lastCheck && showsCheckCode(s.lastCheck.status) ? s.lastCheck.code ?? 0 : 0]]
        : [],
  },
  {
    name: "check_duration_seconds",
    kind: "gauge",
    help: "Total duration of the latest server health check, in seconds",
    series: (s) => s.checked ? [[{}, Math.max(0, s.lastCheck?.durationMs ?? 0) / 1000]] : [],
  },
];
