/**
 * Differential: the same runtime command list sent through socat to Debian's haproxy and to tsproxy;
 * answers compared exactly where they are messages, by shape where they are dumps.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { haproxyAvailable, startHaproxyConfig } from "./helpers/haproxy.ts";
import { startImported } from "./helpers/imported.ts";
import { startProxy } from "./helpers/proxy.ts";
import { socat } from "./helpers/socat.ts";

/** Commands in order (state carries over from one to the next on both sides). */
const COMMANDS = [
  "show backend",
  "get weight app/s2",
  "set weight app/s2 50%",
  "get weight app/s2",
  "set weight app/s2 300",
  "set server app/s2 weight 10",
  "get weight app/s2",
  "get weight app/zz",
  "get weight zz/s1",
  "get weight app",
  "set server app/s2 state drain",
  "set server app/s2 state ready",
  "set server app/s2 state maint",
  "enable server app/s2",
  "disable server app/s2",
  "set server app/s2 state ready",
  "set server app/s2 state foo",
  "disable server app",
  "enable health app/s2",
  "disable health app/s2",
  "set maxconn server app/s2 10",
  "set maxconn frontend fe 100",
  "set maxconn global 1000",
  "set rate-limit sessions global 100",
  "shutdown sessions server app/s2",
  "clear counters",
  "clear counters all",
  "add server app/s3 127.0.0.1:4 weight 5",
  "add server app/s3 127.0.0.1:4",
  "add server st/b 127.0.0.1:5",
  "show servers state",
  "del server app/s3",
  "del server app/s3",
  "del server app/zz",
  "show servers state zz",
  "show errors",
];

/**
 * Justified differences, normalised before comparing:
 * - HAProxy ends most answers with an empty line but not those of add/del server errors and of
 *   "Server deleted." (its dynamic-server messages are printed another way); tsproxy ends every
 *   answer alike. Trailing newlines are ignored.
 * - `show errors` prints the current date: masked.
 * - `show servers state`: be_id numbers proxies (HAProxy counts frontends and its own internal
 *   ones; tsproxy numbers backends); srv_time_since_last_change depends on timing; both are masked.
 */
function normalise(cmd: string, answer: string): string {
  let a = answer.replace(/\n+$/, "");
  if (cmd === "show errors") a = a.replace(/\[[^\]]+\]/, "[DATE]");
  if (cmd.startsWith("show servers state")) {
    a = a.split("\n").map((line) => {
      if (line.startsWith("#") || !line.includes(" ")) return line;
      const f = line.split(" ");
      f[0] = "ID";
      f[9] = "T";
      return f.join(" ");
    }).join("\n");
  }
  return a;
}

/** The haproxy.cfg: haproxy runs it, and tsproxy runs it imported. */
function haproxyCfg(port: number, sock: string): string {
  return `
global
    stats socket ${sock} level admin
    nbthread 1
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:${port}
    default_backend app
backend app
    balance roundrobin
    server s1 127.0.0.1:1
    server s2 127.0.0.1:2
backend st
    balance static-rr
    server a 127.0.0.1:3
`;
}

test("haproxy and tsproxy (YAML, imported .cfg) answer the same commands alike", {
  skip: !haproxyAvailable(),
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsproxy-cli-diff-"));
  const hSock = join(dir, "haproxy.sock"), tSock = join(dir, "tsproxy.sock");
  const iSock = join(dir, "imported.sock");
  const h = await startHaproxyConfig(1, ([port]) => haproxyCfg(port!, hSock));
  // tsproxy on the same haproxy.cfg imported (its own socket), beside the hand-written YAML
  const i = await startImported(1, ([port]) => haproxyCfg(port!, iSock));
  const t = await startProxy(
    "bun",
    `
global: { log: none, statsSocket: { path: "${tSock}" } }
defaults: { mode: http, timeout: { connect: 1s, client: 5s, server: 5s } }
frontends:
  fe: { bind: ["127.0.0.1:0"], defaultBackend: app }
backends:
  app:
    balance: roundrobin
    servers:
      - { name: s1, address: "127.0.0.1:1" }
      - { name: s2, address: "127.0.0.1:2" }
  st:
    balance: static-rr
    servers:
      - { name: a, address: "127.0.0.1:3" }
`,
  );
  try {
    const differ: string[] = [];
    for (const cmd of COMMANDS) {
      const want = normalise(cmd, await socat(hSock, cmd));
      for (const [config, path] of [["YAML", tSock], ["imported haproxy.cfg", iSock]]) {
        const got = normalise(cmd, await socat(path!, cmd));
        if (want !== got) {
          differ.push(
            `${cmd}\n  haproxy: ${JSON.stringify(want)}\n  tsproxy (${config}): ${
              JSON.stringify(got)
            }`,
          );
        }
      }
    }
    assert.deepEqual(differ, [], `answers differ:\n${differ.join("\n")}`);
    // help: every command tsproxy lists, HAProxy lists too, with the same left column
    const hHelp = await socat(hSock, "help"), tHelp = await socat(tSock, "help");
    for (const line of tHelp.split("\n").slice(1).filter((l) => l.includes(" : "))) {
      const left = line.split(" : ")[0]!.trim().split(" ").slice(0, 2).join(" ");
      // reload is a command of HAProxy's master CLI (upgrade: our own), not of its stats socket
      if (left === "reload" || left === "upgrade") continue;
      assert.ok(hHelp.includes(`  ${left}`), `HAProxy's help has no "${left}"`);
    }
  } finally {
    await t.stop();
    await i.stop();
    await h.stop();
  }
});
