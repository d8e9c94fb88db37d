// HTTP suite's shared-table path: bun-stick's table with `shared: true`, a redis-server beside it, Redis commands per second over each measured run.
import { listening } from "./proc.ts";
import type { During, Result, Sidecar } from "./suite.ts";

/** The first port from 21040 up that nothing listens on (below 32768: no clash with ephemeral ports). */
export function freeRedisPort(): number {
  for (let p = 21040; p < 21100; p++) if (!listening(p)) return p;
  throw new Error("bench: no free port for redis-server in 21040-21099");
}

/** redis-server on `port`, loopback only, no persistence: started before the proxy, stopped after it. */
export function redisSidecar(port: number): Sidecar {
  return {
    name: "redis",
    argv: [
      "redis-server",
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
    ],
    port,
  };
}

/** The `shared` section pointing at the bench's redis-server (the README's defaults). */
export function sharedSection(port: number): string {
  return `shared: { redis: "redis://127.0.0.1:${port}/0", prefix: "bench:", syncInterval: 100ms }\n`;
}

/** `INFO stats` of the redis-server on `port`: commands processed so far and the instantaneous rate. */
async function redisStats(port: number): Promise<{ total: number; instant: number }> {
  const out = await new Deno.Command("redis-cli", {
    args: ["-p", String(port), "INFO", "stats"],
    stdout: "piped",
    stderr: "null",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, "m").exec(text)?.[1] ?? NaN);
  return { total: field("total_commands_processed"), instant: field("instantaneous_ops_per_sec") };
}

/**
 * While a measured run goes: Redis commands processed over it (the `total_commands_processed`
 * delta; our own two INFO commands left out), per second and per 1000 requests, and Redis's
 * `instantaneous_ops_per_sec` at the end. Warns when pipelining does not keep it far below one
 * command per request (more than one per 10 requests).
 */
export function redisOps(port: number): (proxyPort: number) => During {
  return () => {
    const t0 = performance.now();
    const before = redisStats(port);
    return {
      async stop(result?: Result) {
        const after = await redisStats(port);
        const secs = (performance.now() - t0) / 1000;
        const commands = after.total - (await before).total - 1;
        const warnings: string[] = [];
        if (!Number.isFinite(commands)) {
          return { warnings: [`redis-server on ${port}: INFO stats unreadable`] };
        }
        let perK = "";
        if (result && result.work > 0) {
          const k = (1000 * commands) / result.work;
          perK = `, ${k.toFixed(2)} per 1000 requests`;
          if (k > 100) warnings.push(`redis: ${k.toFixed(1)} commands per 1000 requests`);
        }
        const note = `Redis: ${commands} commands in ${secs.toFixed(1)} s = ${
          (commands / secs).toFixed(0)
        } commands/s${perK} (instantaneous_ops_per_sec at the end: ${after.instant})`;
        return { warnings, note };
      },
    };
  };
}
