/** HAProxy's defaults where tsproxy's differ, said in the converted config; empty sections dropped. */

type Obj = Record<string, unknown>;

/** The algorithms that hash a key (HAProxy's default hash function is sdbm, tsproxy's fnv1a). */
const HASHED = /^(source|uri|url_param|hdr\(|hash\s|random)/;

/**
 * Makes the converted config behave as HAProxy would where our defaults differ:
 * - retries go to the same server unless `option redispatch` (tsproxy: every retry elsewhere);
 * - hash-based balancing uses sdbm unless `hash-type` names a function (tsproxy: fnv1a);
 * - a frontend without default_backend answers 503 (tsproxy wants one: one is added);
 * - HTTP frontends pass CONNECT requests on to the server (tsproxy answers 405 unless told).
 * Returns a note for each backend added.
 */
export function finish(config: Obj): string[] {
  const notes: string[] = [];
  const defaults = config.defaults as Obj;
  const backends = config.backends as Record<string, Obj>;
  // HAProxy answers 503 for what no rule routes when a frontend has no default_backend; tsproxy
  // wants one: a backend whose one server is in maintenance answers the same 503
  for (const [name, fe] of Object.entries(config.frontends as Record<string, Obj>)) {
    if (fe.defaultBackend !== undefined) continue;
    let be = `${name}_no_backend`;
    while (be in backends) be += "_";
    backends[be] = { servers: [{ name: "none", address: "127.0.0.1:1", disabled: true }] };
    if (fe.mode !== undefined) backends[be]!.mode = fe.mode;
    fe.defaultBackend = be;
    notes.push(`frontend ${name} has no default_backend: added backend ${be} (503, as HAProxy)`);
  }
  if (defaults.redispatch === undefined && Object.keys(backends).length > 0) {
    defaults.redispatch = false;
  }
  const frontends = Object.values(config.frontends as Record<string, Obj>);
  if (
    defaults.acceptConnect === undefined &&
    frontends.some((fe) => (fe.mode ?? defaults.mode) === "http")
  ) defaults.acceptConnect = true;
  for (const be of Object.values(backends)) {
    const balance = String(be.balance ?? defaults.balance ?? "");
    if (HASHED.test(balance) && !balance.startsWith("random")) {
      if (be.hashFunction === undefined && defaults.hashFunction === undefined) {
        be.hashFunction = "sdbm";
      }
    }
  }
  for (const be of Object.values(backends)) {
    const { servers, ...rest } = be;
    for (const k of Object.keys(be)) delete be[k];
    Object.assign(be, rest, { servers }); // servers last, as one writes them
  }
  for (const key of ["global", "defaults", "frontends", "backends"]) {
    if (Object.keys(config[key] as Obj).length === 0) delete config[key];
  }
  return notes;
}
