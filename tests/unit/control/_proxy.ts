/** An in-process proxy for control tests: a YAML config started with the running runtime, its Runner, and an admin actor. */
import { parseConfigText } from "../../../src/config/mod.ts";
import type { Actor } from "../../../src/control/types.ts";
import { type RunningProxy, startProxy } from "../../../src/plan/mod.ts";
import { getRuntime } from "../../../src/runtime/mod.ts";

export const ADMIN: Actor = { who: "test", level: "admin" };
export const USER: Actor = { who: "test user", level: "user" };

/** Backends app (roundrobin: s1, s2) and st (static-rr: a), frontend fe; nothing listens behind. */
export const BASE_YAML = `
global: { log: none }
defaults:
  mode: http
  timeout: { connect: 1s, client: 5s, server: 5s }
frontends:
  fe:
    bind: ["127.0.0.1:0"]
    defaultBackend: app
backends:
  app:
    balance: roundrobin
    servers:
      - { name: s1, address: "127.0.0.1:1" }
      - { name: s2, address: "127.0.0.1:2", weight: 10 }
  st:
    balance: static-rr
    servers:
      - { name: a, address: "127.0.0.1:3" }
`;

/** Starts `yaml` in this process; stop it with `shutdown()`. */
export async function inProcessProxy(yaml: string = BASE_YAML): Promise<RunningProxy> {
  const loaded = parseConfigText(yaml, "test.yaml");
  if (!loaded.ok) throw new Error(`test config: ${JSON.stringify(loaded.errors)}`);
  return startProxy(loaded.config, await getRuntime());
}

/** Runs `line` as `actor` (admin by default) and returns the answer. */
export async function run(p: RunningProxy, line: string, actor: Actor = ADMIN): Promise<string> {
  return await p.control.runner.run(line, actor);
}
