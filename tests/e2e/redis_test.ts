/** A real protocol through TCP mode: redis-server from Debian behind tsproxy, driven by redis-cli and redis-benchmark. */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { test } from "node:test";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";
import { connect, sleep } from "./helpers/net.ts";

/** Starts redis-server on a free fixed port below 32768 (redis cannot report an OS-chosen port). */
async function startRedis(): Promise<{ port: number; proc: ChildProcess }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 10000);
    const proc = spawn("redis-server", [
      "--port",
      String(port),
      "--save",
      "",
      "--appendonly",
      "no",
      "--bind",
      "127.0.0.1",
    ], {
      stdio: "ignore",
    });
    for (let i = 0; i < 50; i++) {
      await sleep(50);
      if (proc.exitCode !== null) break;
      try {
        (await connect(port)).destroy();
        return { port, proc };
      } catch { /* not up yet */ }
    }
    proc.kill("SIGKILL");
  }
  throw new Error("could not start redis-server on any port tried");
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 60_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

for (const rt of RUNTIMES) {
  test(`${rt}: redis-cli and redis-benchmark work through TCP mode`, async () => {
    const redis = await startRedis();
    const proxy = await startProxy(
      rt,
      `
frontends:
  redis_in: { bind: ["127.0.0.1:0"], mode: tcp, defaultBackend: redis }
backends:
  redis:
    servers:
      - { name: r1, address: "127.0.0.1:${redis.port}" }
`,
    );
    try {
      const port = String(proxy.ports[0]);
      const value = `v-${Math.random()}`;
      run("redis-cli", ["-p", port, "SET", "tsproxy:key", value]);
      assert.equal(run("redis-cli", ["-p", port, "GET", "tsproxy:key"]).trim(), value);
      assert.equal(
        run("redis-cli", ["-p", String(redis.port), "GET", "tsproxy:key"]).trim(),
        value,
      );
      const out = run("redis-benchmark", [
        "-p",
        port,
        "-t",
        "ping,set,get",
        "-n",
        "5000",
        "-c",
        "20",
        "-q",
      ]);
      for (const t of ["PING_INLINE", "SET", "GET"]) {
        const m = out.match(new RegExp(`${t}: ([\\d.]+) requests per second`));
        assert.ok(m && Number(m[1]) > 0, `redis-benchmark reported no ${t} rate:\n${out}`);
      }
      assert.doesNotMatch(out, /error/i);
      const count = run("redis-cli", ["-p", port, "DBSIZE"]).trim();
      assert.ok(Number(count) >= 1, `DBSIZE ${count}`);
    } finally {
      await proxy.stop();
      redis.proc.kill("SIGTERM");
    }
  });
}
