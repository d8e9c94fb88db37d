/** show commands, limits, clear counters and help through the Runner. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { SERVERS_STATE_HEADER } from "../../../../src/control/commands/servers_state.ts";
import { splitWords } from "../../../../src/control/commands/runner.ts";
import type { RunningProxy } from "../../../../src/plan/mod.ts";
import { inProcessProxy, run, USER } from "../_proxy.ts";

let p: RunningProxy;
before(async () => {
  p = await inProcessProxy();
});
after(() => p.shutdown());

test("show servers state: version line, HAProxy's 25 columns, one line per server", async () => {
  const lines = (await run(p, "show servers state")).trimEnd().split("\n");
  assert.equal(lines[0], "1");
  assert.equal(lines[1], SERVERS_STATE_HEADER);
  assert.equal(SERVERS_STATE_HEADER.split(" ").length, 26); // "#" + 25 names
  assert.equal(lines.length, 5);
  const s2 = lines[3]!.split(" ");
  assert.equal(s2.length, 25);
  assert.deepEqual(s2.slice(0, 9), ["1", "app", "2", "s2", "127.0.0.1", "2", "0", "10", "10"]);
  await run(p, "set server app/s2 state maint");
  const again = (await run(p, "show servers state app")).trimEnd().split("\n");
  assert.equal(again.length, 4);
  assert.equal(again[3]!.split(" ")[6], "1", "admin state: forced maintenance");
  await run(p, "set server app/s2 state ready");
  assert.equal(await run(p, "show servers state zz"), "Can't find backend.\n");
});

test("show backend, show errors, show sess, show stat/info through the renderers", async () => {
  assert.equal(await run(p, "show backend"), "# name\napp\nst\n");
  assert.match(
    await run(p, "show errors"),
    /^Total events captured on \[\d\d\/\w{3}\/\d{4}:[\d:.]+\] : 0\n$/,
  );
  assert.match(await run(p, "show sess"), /fe=fe cur=0/);
  assert.match(await run(p, "show stat"), /^# pxname,svname,/);
  const json = await run(p, "show stat json");
  assert.doesNotThrow(() => JSON.parse(json));
  assert.match(await run(p, "show info"), /^Name: tsproxy/);
});

test("set maxconn frontend/global, set rate-limit sessions global", async () => {
  assert.equal(await run(p, "set maxconn frontend fe 50"), "");
  assert.equal(p.frontends[0]!.maxconn, 50);
  assert.equal(await run(p, "set maxconn frontend zz 50"), "No such frontend.\n");
  assert.equal(await run(p, "set maxconn global 77"), "");
  assert.equal(p.process.maxconn, 77);
  assert.equal(await run(p, "set rate-limit sessions global 5"), "");
  assert.equal(p.admission.rateLimitSessions, 5);
  await run(p, "set rate-limit sessions global 0");
});

test("clear counters: max values; all: every counter (admin only)", async () => {
  const s1 = p.backends.get("app")!.servers[0]!;
  s1.counters.stot = 5;
  s1.max = 3;
  assert.equal(await run(p, "clear counters"), "");
  assert.equal(s1.max, 0);
  assert.equal(s1.counters.stot, 5);
  assert.equal(
    await run(p, "clear counters all", { who: "op", level: "operator" }),
    "Permission denied\n",
  );
  assert.equal(await run(p, "clear counters all"), "");
  assert.equal(s1.counters.stot, 0);
});

test("help lists what the level allows; unknown commands get the help", async () => {
  const admin = await run(p, "help");
  const user = await run(p, "help", USER);
  assert.match(admin, /^The following commands are valid at this level:\n/);
  assert.match(admin, /add server <bk>\/<srv>/);
  assert.doesNotMatch(user, /add server/);
  assert.match(user, /quit +: disconnect\n$/);
  assert.match(await run(p, "foo bar"), /^Unknown command/);
});

test("splitWords() splits on blanks and honours backslash escapes", () => {
  assert.deepEqual(splitWords("  set  server a/b\\ c  "), ["set", "server", "a/b c"]);
});
