/** show/clear/set table through the Runner: HAProxy 2.6's answers, filters, levels and key types. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { RunningProxy } from "../../../../src/plan/mod.ts";
import { type Actor } from "../../../../src/control/types.ts";
import { inProcessProxy, run, USER } from "../_proxy.ts";

const OPERATOR: Actor = { who: "test operator", level: "operator" };

const YAML = `
global: { log: none }
defaults:
  mode: http
  timeout: { connect: 1s, client: 5s, server: 5s }
stickTables:
  per_ip:
    type: ip
    size: 1m
    expire: 30s
    store: ["http_req_rate(10s)", conn_cur, gpc0, server_id]
  arr: { type: ip, size: 10, store: ["gpc_rate(2,5s)", "gpt(2)", "gpc(2)", conn_cnt] }
  names: { type: string, size: 100, store: [gpt0] }
  six: { type: ipv6, size: 10, store: [gpc0] }
  nums: { type: integer, size: 10, store: [gpc0] }
  bin: { type: binary, size: 10, store: [gpc0] }
frontends:
  fe:
    bind: ["127.0.0.1:0"]
    defaultBackend: app
    httpRequest: ["track-sc0 src table per_ip"]
backends:
  app:
    servers: [{ name: s1, address: "127.0.0.1:1" }]
`;

let p: RunningProxy;
before(async () => {
  p = await inProcessProxy(YAML);
});
after(() => p.shutdown());

/** An entry line with its pointer and expiry masked. */
function masked(text: string): string {
  return text.replace(/^0x[0-9a-f]+:/gm, "PTR:").replace(/exp=\d+/g, "exp=X");
}

test("show table lists every table, the last declared first, as HAProxy does", async () => {
  assert.equal(
    await run(p, "show table", USER),
    "# table: bin, type: binary, size:10, used:0\n" +
      "# table: nums, type: integer, size:10, used:0\n" +
      "# table: six, type: ipv6, size:10, used:0\n" +
      "# table: names, type: string, size:100, used:0\n" +
      "# table: arr, type: ip, size:10, used:0\n" +
      "# table: per_ip, type: ip, size:1048576, used:0\n",
  );
  assert.equal(await run(p, "show table nope"), "No such table\n");
});

test("set table creates and writes an entry; show table prints data in HAProxy's order", async () => {
  assert.equal(
    await run(p, "set table per_ip key 10.0.0.2 data.gpc0 4 data.server_id 2 data.gpc1 3"),
    "Data type not stored in this table\n",
  );
  assert.equal(await run(p, "set table per_ip key 10.0.0.2 data.gpc0 4 data.server_id 2"), "");
  assert.equal(await run(p, "set table per_ip key 10.0.0.1 data.http_req_rate 7"), "");
  const out = await run(p, "show table per_ip");
  assert.match(out, /^0x[0-9a-f]+: key=10\.0\.0\.1 use=0 exp=(29\d\d\d|30000) /m);
  assert.equal(
    masked(out),
    "# table: per_ip, type: ip, size:1048576, used:2\n" +
      "PTR: key=10.0.0.1 use=0 exp=X server_id=0 gpc0=0 conn_cur=0 http_req_rate(10000)=7\n" +
      "PTR: key=10.0.0.2 use=0 exp=X server_id=2 gpc0=4 conn_cur=0 http_req_rate(10000)=0\n",
  );
  assert.equal(
    masked(await run(p, "show table per_ip data.gpc0 gt 3")).split("\n").length,
    3,
    "head, one entry, final newline",
  );
  assert.match(await run(p, "show table per_ip key 10.0.0.1"), /key=10\.0\.0\.1 /);
  assert.equal(await run(p, "show table per_ip key 10.9.9.9"), "");
  assert.equal(
    await run(p, "show table per_ip", USER),
    "# table: per_ip, type: ip, size:1048576, used:2\n" +
      "# contents not dumped due to insufficient privileges\n",
  );
});

test("the filters' errors are HAProxy's", async () => {
  const cases: [string, string][] = [
    ["show table per_ip data.nope gt 1", "Filter entry #1: Unknown data type\n"],
    ["show table per_ip data.gpc1 gt 1", "Filter entry #1: Data type not stored in this table\n"],
    [
      "show table per_ip data.gpc0 xx 1",
      'Filter entry #1: Require and operator among "eq", "ne", "le", "ge", "lt", "gt"\n',
    ],
    [
      "show table per_ip data.gpc0 gt x",
      "Filter entry #1: Require a valid integer value to compare against\n",
    ],
    ["show table per_ip data.gpc0 gt 1 key 1.2.3.4", "Filter entry #2: Unknown data type\n"],
    [
      "show table per_ip data.gpc0 ge 0 data.gpc0 ge 0 data.gpc0 ge 0 data.gpc0 ge 0 data.gpc0 gt 0",
      "Detected extra data in filter, 16th word of input, after '0'\n",
    ],
    [
      "show table per_ip foo",
      'Optional argument only supports "data.<store_data_type>" <operator> <value> and key <key>\n',
    ],
    ["set table per_ip key", "Key value expected\n"],
    ["set table per_ip key 1.2.3.4 foo 1", '"data.<type>" followed by a value expected\n'],
    ["set table per_ip key 1.2.3.4 data.nope 1", "Unknown data type\n"],
    ["set table per_ip key 1.2.3.4 data.gpc0 x", "Require an integer value\n"],
    ["set table per_ip key x data.gpc0 1", "Invalid key\n"],
    ["set table six key 10.0.0.1 data.gpc0 1", "Invalid key\n"],
    ["set table nums key -5 data.gpc0 1", "Invalid key\n"],
    [
      "set table bin key 0a0b data.gpc0 1",
      "Inserting keys into tables of type other than ip, ipv6, string and integer is not supported\n",
    ],
    [
      "clear table",
      'Required arguments: <table> "data.<store_data_type>" <operator> <value> or <table> key <key>\n',
    ],
    ["set table", "Required arguments: <table> key <key> [data.<store_data_type> <value>]*\n"],
  ];
  for (const [line, want] of cases) assert.equal(await run(p, line), want, line);
  await run(p, "clear table per_ip key 1.2.3.4");
});

test("array data print element by element, as HAProxy 2.6 names them", async () => {
  assert.equal(
    await run(p, "set table arr key 1.2.3.4 data.gpc0 1"),
    "Data type not stored in this table\n",
    "HAProxy's CLI names no array element",
  );
  assert.equal(await run(p, "set table arr key 1.2.3.4 data.conn_cnt 3"), "");
  assert.equal(
    masked(await run(p, "show table arr")),
    "# table: arr, type: ip, size:10, used:1\n" +
      "PTR: key=1.2.3.4 use=0 exp=X conn_cnt=3 gpt0=0 gpt1=0 gpc0=0 gpc1=0 " +
      "gpc0_rate(5000)=0 gpc1_rate(5000)=0\n",
  );
});

test("ipv6, integer and string keys print as HAProxy prints them", async () => {
  await run(p, "set table six key 2001:db8::1 data.gpc0 1");
  await run(p, "set table six key ::ffff:10.0.0.1 data.gpc0 2");
  assert.equal(
    masked(await run(p, "show table six")),
    "# table: six, type: ipv6, size:10, used:2\n" +
      "PTR: key=::ffff:10.0.0.1 use=0 exp=X gpc0=2\nPTR: key=2001:db8::1 use=0 exp=X gpc0=1\n",
  );
  await run(p, "set table nums key 42 data.gpc0 1");
  assert.match(await run(p, "show table nums"), /key=42 use=0 exp=0 gpc0=1\n$/);
  await run(p, "set table names key hello data.gpt0 9");
  assert.match(await run(p, "show table names"), /key=hello use=0 exp=0 gpt0=9\n$/);
});

test("clear table: by key, by data filter, all; only above user level", async () => {
  await run(p, "set table per_ip key 10.1.0.1 data.gpc0 1");
  await run(p, "set table per_ip key 10.1.0.2 data.gpc0 9");
  assert.equal(await run(p, "clear table per_ip", USER), "");
  assert.match(await run(p, "show table per_ip key 10.1.0.1"), /key=10\.1\.0\.1/);
  assert.equal(await run(p, "clear table per_ip key 10.1.0.1", OPERATOR), "");
  assert.equal(await run(p, "show table per_ip key 10.1.0.1"), "");
  assert.equal(await run(p, "set table per_ip key 10.1.0.3 data.gpc0 1", OPERATOR), "");
  assert.equal(await run(p, "show table per_ip key 10.1.0.3"), "", "set needs admin");
  await run(p, "clear table per_ip data.gpc0 gt 5");
  assert.equal(await run(p, "show table per_ip key 10.1.0.2"), "");
  await run(p, "clear table per_ip");
  assert.match(await run(p, "show table per_ip"), /used:0\n$/);
});

test("help lists the table commands", async () => {
  const help = await run(p, "help");
  assert.match(help, /show table <table> \[<filter>\]\*/);
  assert.match(help, /set table <table> key <k> \[data\.\* <v>\]\*/);
});
