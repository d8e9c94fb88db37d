/** The CLI socket end to end: every runtime command through socat on a unix socket, and the traffic each change steers. */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type OriginRequest, type RawHttpOrigin, rawHttpOrigin, sendRaw } from "./helpers/http.ts";
import { connect, echoServer, sleep } from "./helpers/net.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";
import { socat } from "./helpers/socat.ts";

function named(name: string): Promise<RawHttpOrigin> {
  return rawHttpOrigin((_req: OriginRequest, sock) => {
    sock.write(`HTTP/1.1 200 OK\r\nContent-Length: ${name.length}\r\n\r\n${name}`);
  });
}

/** Who answered `n` GETs, counted per origin name. */
async function spread(port: number, n: number): Promise<Record<string, number>> {
  const seen: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const r = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3000) });
    const who = await r.text();
    seen[who] = (seen[who] ?? 0) + 1;
  }
  return seen;
}

for (const rt of RUNTIMES) {
  test(`${rt}: every runtime command through socat, each change steering traffic at once`, async () => {
    const a = await named("a"), b = await named("b"), c = await named("c");
    const echo = await echoServer();
    const sock = join(mkdtempSync(join(tmpdir(), "tsproxy-cli-e2e-")), "tsproxy.sock");
    const proxy = await startProxy(
      rt,
      `
global: { log: none, statsSocket: { path: "${sock}", mode: "0600", level: admin } }
defaults: { mode: http, timeout: { connect: 1s, client: 5s, server: 5s } }
frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app }
  raw: { mode: tcp, bind: ["127.0.0.1:0"], defaultBackend: echo }
backends:
  echo:
    mode: tcp
    servers:
      - { name: e, address: "127.0.0.1:${echo.port}" }
  app:
    balance: roundrobin
    servers:
      - { name: a, address: "127.0.0.1:${a.port}", check: true, inter: 200ms }
      - { name: b, address: "127.0.0.1:${b.port}" }
  st:
    balance: static-rr
    servers:
      - { name: x, address: "127.0.0.1:${a.port}" }
`,
      2,
    );
    const cli = (line: string) => socat(sock, line);
    try {
      const port = proxy.ports[0]!;
      assert.equal(await cli("show backend"), "# name\necho\napp\nst\n\n");
      assert.deepEqual(await spread(port, 4), { a: 2, b: 2 });

      assert.equal(await cli("set server app/a state maint"), "\n");
      assert.deepEqual(await spread(port, 4), { b: 4 }, "MAINT takes no new traffic");
      const state = (await cli("show servers state app")).split("\n");
      assert.equal(state[0], "1");
      assert.match(state[1]!, /^# be_id be_name srv_id srv_name srv_addr srv_op_state/);
      assert.equal(state[2]!.split(" ")[6], "1", "a's admin state: forced maintenance");
      assert.equal(await cli("set server app/a state ready; set server app/b state drain"), "\n\n");
      assert.deepEqual(await spread(port, 4), { a: 4 }, "DRAIN takes no balanced traffic");
      assert.equal(await cli("set server app/b state ready"), "\n");

      assert.equal(await cli("set weight app/b 0"), "\n");
      assert.equal(await cli("get weight app/b"), "0 (initial 1)\n\n");
      assert.deepEqual(await spread(port, 4), { a: 4 }, "weight 0 takes none");
      assert.equal(await cli("set server app/b weight 3"), "\n");
      assert.deepEqual(await spread(port, 8), { a: 2, b: 6 }, "weights 1:3");
      assert.equal(await cli("set weight app/b 100%"), "\n");

      assert.equal(await cli(`add server app/c 127.0.0.1:${c.port}`), "New server registered.\n\n");
      assert.deepEqual(await spread(port, 4), { a: 2, b: 2 }, "a new server starts in MAINT");
      assert.equal(await cli("enable server app/c"), "\n");
      assert.deepEqual(await spread(port, 6), { a: 2, b: 2, c: 2 });
      assert.equal(
        await cli("del server app/c"),
        "Only servers in maintenance mode can be deleted.\n\n",
      );
      assert.equal(await cli("disable server app/c; del server app/c"), "\nServer deleted.\n\n");
      assert.deepEqual(await spread(port, 4), { a: 2, b: 2 });
      assert.equal(
        await cli(`add server st/y 127.0.0.1:${c.port}`),
        "Backend must use a dynamic load balancing to support dynamic servers.\n\n",
      );

      assert.equal(await cli("disable health app/a; enable health app/a"), "\n\n");
      assert.equal(
        await cli("enable health app/b"),
        "Health check was not configured on this server, cannot enable.\n\n",
      );
      assert.equal(
        await cli(
          "set maxconn server app/a 5; set maxconn frontend web 100; set maxconn global 1000; " +
            "set rate-limit sessions global 1000",
        ),
        "\n\n\n\n",
      );
      assert.equal(
        await cli("shutdown sessions server app/a; clear counters; clear counters all"),
        "\n\n\n",
      );
      // a live TCP session through echo/e is cut by shutdown sessions server
      const tcp = await connect(proxy.ports[1]!);
      const closed = new Promise<void>((r) => { // a FIN (half-open socket) or a reset
        tcp.on("end", () => r());
        tcp.on("close", () => r());
        tcp.on("error", () => r());
      });
      const echoed = new Promise<string>((r) => tcp.once("data", (d) => r(d.toString())));
      tcp.write("ping");
      assert.equal(await echoed, "ping");
      assert.equal(await cli("shutdown sessions server echo/e"), "\n");
      await Promise.race([closed, sleep(3000).then(() => assert.fail("session not cut"))]);
      assert.equal(
        await cli("get weight app/zz; get weight zz/a; get weight app"),
        "No such server.\n\nNo such backend.\n\nRequire 'backend/server'.\n\n",
      );

      assert.match(await cli("show info"), /^Name: tsproxy\n/);
      assert.match(await cli("show stat"), /^# pxname,svname,/);
      assert.ok((await cli("show stat typed")).length > 0);
      assert.ok(Array.isArray(JSON.parse(await cli("show stat json"))));
      assert.match(await cli("show sess"), /fe=web cur=\d+/);
      assert.match(await cli("help"), /^The following commands are valid at this level:\n/);

      await sendRaw(port, "GET / HTTP/1.1\r\nHost: x\r\nBad\x01Header: y\r\n\r\n");
      const errors = await cli("show errors");
      assert.match(errors, /Total events captured on \[.*\] : 1\n/);
      assert.match(errors, /frontend web: invalid request/);
      assert.match(errors, /error at position 28/);

      await sleep(50);
      const out = proxy.output();
      assert.match(
        out,
        /Server app\/a is going DOWN for maintenance\. 1 active and 0 backup servers left\./,
      );
      assert.match(out, /Server app\/b enters drain state\./);
      assert.match(out, /Server app\/a is UP\/READY \(leaving forced maintenance\)\./);
    } finally {
      await proxy.stop();
      for (const o of [a, b, c, echo]) await o.close().catch(() => {});
    }
  });
}
