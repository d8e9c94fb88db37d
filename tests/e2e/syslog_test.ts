/** Access lines to a real rsyslogd over UDP and TCP (httplog and json, RFC 5424 and 3164); a stopped or dead syslog never blocks or slows the proxy. */
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, test } from "node:test";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";
import { closedPort } from "./helpers/net.ts";
import { httpConfig, jsonEchoOrigin, until, waitForLine } from "./helpers/http.ts";
import { type Rsyslog, startRsyslog } from "./helpers/rsyslog.ts";

let origin: Awaited<ReturnType<typeof jsonEchoOrigin>>;
before(async () => {
  origin = await jsonEchoOrigin();
});
after(async () => {
  await origin.close();
});

/** Sends `n` GETs one after another on one keep-alive connection; returns each one's latency in ms. */
async function timedGets(port: number, n: number, prefix = "/t"): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.get({ host: "127.0.0.1", port, path: `${prefix}${i}`, agent }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.setTimeout(5000, () => req.destroy(new Error(`GET ${prefix}${i} took over 5s`)));
        req.on("error", reject);
      });
      times.push(performance.now() - t0);
      assert.equal(status, 200);
    }
  } finally {
    agent.destroy();
  }
  return times;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function syslogConfig(target: string, syslog: string, log = "httplog"): string {
  return httpConfig([["a", origin.port]], {
    global: `, log: "${target}", syslog: ${syslog}`,
    defaults: `log: ${log}`,
  });
}

for (const rt of RUNTIMES) {
  test(`${rt}: httplog lines reach rsyslog over UDP in RFC 5424, with the proxy's own lines`, async () => {
    const rs: Rsyslog = await startRsyslog();
    const proxy = await startProxy(
      rt,
      syslogConfig(
        `udp://127.0.0.1:${rs.udpPort}`,
        "{ facility: local3, framing: rfc5424, tag: edge, hostname: lb-test }",
      ),
    );
    try {
      await timedGets(proxy.ports[0]!, 3, "/udp");
      await until(
        () => rs.lines().filter((l) => l.msg.includes("/udp")).length === 3,
        5000,
        "3 lines",
      );
      const lines = rs.lines();
      const access = lines.filter((l) => l.msg.includes("/udp"));
      for (const [i, l] of access.entries()) {
        assert.equal(l.pri, 19 * 8 + 6, "local3.info");
        assert.equal(l.hostname, "lb-test");
        assert.equal(l.app, "edge");
        assert.equal(l.procid, String(proxy.proc.pid));
        assert.match(
          l.msg,
          new RegExp(
            String
              .raw`^127\.0\.0\.1:\d+ \[\d\d/\w{3}/\d{4}:[\d:.]+\] web app/a [\d/]+ 200 \d+ - - ---- [\d/]+ 0/0 "GET /udp${i} HTTP/1\.1"$`,
          ),
        );
      }
      // the proxy's own lines at their level: "listening on" is info
      const own = lines.find((l) => l.msg.includes("listening on"));
      assert.ok(own, JSON.stringify(lines));
      assert.equal(own.pri, 158);
      assert.match(own.msg, /^tsproxy·cli: frontend web listening on 127\.0\.0\.1:\d+$/);
      // access lines no longer go to stdout
      assert.doesNotMatch(proxy.output(), /"GET \/udp0 HTTP\/1\.1"/);
    } finally {
      await proxy.stop();
      await rs.remove();
    }
  });

  test(`${rt}: json lines reach rsyslog over TCP (octet counting) in RFC 3164`, async () => {
    const rs = await startRsyslog();
    const proxy = await startProxy(
      rt,
      syslogConfig(
        `tcp://127.0.0.1:${rs.tcpPort}`,
        "{ facility: daemon, framing: rfc3164, hostname: lb-tcp }",
        "json",
      ),
    );
    try {
      await timedGets(proxy.ports[0]!, 50, "/tcp");
      await until(() => rs.lines().filter((l) => l.msg.includes("/tcp")).length === 50, 5000, "50");
      const access = rs.lines().filter((l) => l.msg.includes("/tcp"));
      access.forEach((l, i) => {
        assert.equal(l.pri, 3 * 8 + 6, "daemon.info");
        assert.equal(l.hostname, "lb-tcp");
        assert.equal(l.app, "tsproxy");
        assert.equal(l.procid, String(proxy.proc.pid));
        const j = JSON.parse(l.msg);
        assert.equal(j.request, `GET /tcp${i} HTTP/1.1`, "in order over TCP");
        assert.equal(j.status, 200);
        assert.equal(j.server, "a");
      });
    } finally {
      await proxy.stop();
      await rs.remove();
    }
  });

  test(`${rt}: a stopped syslog loses UDP lines but never blocks the proxy`, async () => {
    const rs = await startRsyslog();
    const proxy = await startProxy(rt, syslogConfig(`udp://127.0.0.1:${rs.udpPort}`, "{}"));
    try {
      await timedGets(proxy.ports[0]!, 2, "/before");
      await until(
        () => rs.lines().filter((l) => l.msg.includes("/before")).length === 2,
        5000,
        "2",
      );
      const seen = rs.lines().length;
      await rs.stop();
      const times = await timedGets(proxy.ports[0]!, 200, "/stopped");
      assert.ok(median(times) < 20, `p50 ${median(times).toFixed(2)} ms with syslog stopped`);
      assert.ok(Math.max(...times) < 1000, `slowest ${Math.max(...times).toFixed(0)} ms`);
      assert.equal(rs.lines().length, seen, "lines sent while rsyslog is stopped are lost");
      assert.ok(!proxy.output().includes("/stopped"), "and not written to stdout either");
    } finally {
      await proxy.stop();
      await rs.remove();
    }
  });

  test(`${rt}: a dead TCP syslog target does not slow requests (p50 against log: none)`, async () => {
    const dead = await closedPort();
    const base = await startProxy(rt, syslogConfig("none", "{}"));
    let p50Base: number;
    try {
      await timedGets(base.ports[0]!, 100, "/warm");
      p50Base = median(await timedGets(base.ports[0]!, 400, "/base"));
    } finally {
      await base.stop();
    }
    const proxy = await startProxy(rt, syslogConfig(`tcp://127.0.0.1:${dead}`, "{}"));
    try {
      await timedGets(proxy.ports[0]!, 100, "/warm");
      const p50Dead = median(await timedGets(proxy.ports[0]!, 400, "/dead"));
      console.log(
        `${rt}: p50 ${p50Base.toFixed(3)} ms (log none), ${
          p50Dead.toFixed(3)
        } ms (dead tcp syslog)`,
      );
      assert.ok(
        p50Dead <= p50Base * 1.5 + 0.5,
        `p50 ${p50Dead.toFixed(3)} ms with a dead syslog vs ${p50Base.toFixed(3)} ms without`,
      );
      // one warning at most a minute, on the console
      await waitForLine(proxy, /syslog tcp:\/\/127\.0\.0\.1:\d+: .*bounded queue/);
      const warnings = proxy.output().match(/WARN.*syslog tcp:/g) ?? [];
      assert.equal(warnings.length, 1, proxy.output());
      const t0 = Date.now();
      await proxy.stop();
      assert.ok(Date.now() - t0 < 5000, "stops promptly with a dead target");
    } finally {
      await proxy.stop();
    }
  });
}
