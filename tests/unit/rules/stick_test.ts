/** Stick table rules: track-sc, sc-inc-gpc and sc-set-gpt actions, sc_ and src_ fetches, table_ converters. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  compileAcls,
  compileHttpRules,
  type CompileOptions,
  compileSample,
  compileTcpRules,
  evaluateHttpRules,
  evaluateTcpRules,
  formatRuleError,
  type SampleContext,
} from "../../../src/rules/mod.ts";
import { parseStored } from "../../../src/stick/data_types.ts";
import { StickTable, type StickTableSpec } from "../../../src/stick/table.ts";
import { l4Context, requestContext } from "./context.ts";

function spec(name: string, store: string[]): StickTableSpec {
  return { name, type: "ip", len: 32, size: 100, expire: 30_000, store: store.map(parseStored) };
}

function setup() {
  let now = 1_000_000;
  const specs = new Map([
    [
      "per_ip",
      spec("per_ip", ["http_req_rate(10s)", "http_req_cnt", "conn_cur", "conn_cnt", "gpc0"]),
    ],
    ["fe", spec("fe", ["gpc(2)", "gpt(2)", "gpt0", "http_err_cnt", "bytes_out_cnt"])],
  ]);
  const tables = new Map([...specs].map(([n, s]) => [n, new StickTable(s, () => now)]));
  const options: CompileOptions = { stickTables: specs, stickTable: "fe" };
  const ctx = (over: Partial<SampleContext> = {}) =>
    requestContext("GET / HTTP/1.1\nHost: a\n", { stick: { tables, tracker: null }, ...over });
  return { tables, options, ctx, advance: (ms: number) => void (now += ms) };
}

function http(lines: string[], options: CompileOptions) {
  const { acls } = compileAcls([], options);
  const r = compileHttpRules(lines, "request", acls, { mode: "http" }, options);
  assert.deepEqual(r.errors.map(formatRuleError), []);
  return r.rules;
}

function value(expr: string, ctx: SampleContext, options: CompileOptions) {
  const r = compileSample(expr, options);
  if (!r.ok) throw new Error(formatRuleError(r.error));
  return r.sample.value(ctx);
}

test("track-sc0 src counts the connection and the request; sc_* read the tracked entry", () => {
  const { options, ctx } = setup();
  const rules = http(["track-sc0 src table per_ip", "track-sc0 hdr(host) table per_ip"], options);
  const deny = http(["deny deny_status 429 if { sc_http_req_rate(0) gt 2 }"], options);
  const statuses: (number | undefined)[] = [];
  for (let i = 0; i < 4; i++) {
    const c = ctx();
    evaluateHttpRules(rules, { ctx: c, req: c.req as never });
    const v = evaluateHttpRules(deny, { ctx: c, req: c.req as never });
    statuses.push(v?.type === "deny" ? v.status : undefined);
    assert.equal(value("sc0_conn_cur", c, options), 1);
    assert.equal(value("sc_trackers(0)", c, options), 1);
    assert.equal(value("sc0_tracked", c, options), true);
    assert.equal(value("sc1_tracked", c, options), false);
    assert.equal(value("sc1_conn_cur", c, options), undefined); // not tracked: the fetch fails
    c.stick!.tracker!.end(200, false, 10, 20);
  }
  assert.deepEqual(statuses, [undefined, undefined, 429, 429]);
  const c = ctx();
  assert.equal(value("src_http_req_cnt(per_ip)", c, options), 4);
  assert.equal(value("src_conn_cnt(per_ip)", c, options), 4);
  assert.equal(value("src_conn_cur(per_ip)", c, options), 0);
  assert.equal(value("src,table_http_req_rate(per_ip)", c, options), 4);
  assert.equal(value("src,in_table(per_ip)", c, options), true);
  assert.equal(value("str(10.9.9.9),in_table(per_ip)", c, options), false);
  assert.equal(value("src_get_gpc0(per_ip)", c, options), 0); // no entry reads 0
});

test("a tcp-request content track and the sc-inc-gpc/sc-set-gpt actions", () => {
  const { options, ctx, tables } = setup();
  const { acls } = compileAcls([], options);
  const tcp = compileTcpRules(["content track-sc1 src"], acls, { mode: "http" }, options);
  assert.deepEqual(tcp.errors.map(formatRuleError), []);
  const rules = http([
    "sc-inc-gpc(1,1)",
    "sc-inc-gpc0(1)",
    "sc-set-gpt(0,1) int(42)",
    "sc-set-gpt0(1) 7",
  ], options);
  const c = ctx();
  evaluateTcpRules(tcp.rules.content, c);
  evaluateHttpRules(rules, { ctx: c, req: c.req as never });
  assert.equal(value("sc1_get_gpc(1)", c, options), 1);
  assert.equal(value("sc_get_gpc0(1)", c, options), 1); // gpc0 is gpc(0) in a table storing gpc(2)
  assert.equal(value("sc1_get_gpt(0)", c, options), 42);
  assert.equal(value("sc1_get_gpt0", c, options), 7);
  assert.equal(value("src_get_gpc(1)", c, options), 1); // the section's own table by default
  c.stick!.tracker!.end(404, false, 0, 2048);
  assert.equal(value("src_http_err_cnt", c, options), 1);
  const t = tables.get("fe")!;
  assert.equal(t.refs(t.lookup(t.key("192.0.2.10")!)), 0);
});

test("rules naming an unknown table, or reading what it does not store, are refused", () => {
  const { options } = setup();
  const { acls } = compileAcls([], options);
  const errs = (line: string) =>
    compileHttpRules([line], "request", acls, { mode: "http" }, options).errors.map(formatRuleError)
      .join();
  assert.match(
    errs("track-sc0 src table nope"),
    /unknown stick table "nope" \(tables: per_ip, fe\)/,
  );
  assert.match(
    errs("deny if { src_conn_cur(fe) gt 1 }"),
    /stick table "fe" does not store conn_cur/,
  );
  assert.match(errs("deny if { src,table_gpc0(nope) gt 1 }"), /unknown stick table "nope"/);
  assert.match(errs("sc-inc-gpc0"), /needs \(SC\)/);
  assert.match(errs("sc-inc-gpc(0,3)"), /the counter must be an integer from 0 to 2/);
  assert.equal(errs("deny if { sc0_http_req_rate(per_ip) gt 1 }"), "");
  const none = { stickTables: options.stickTables! };
  const r = compileHttpRules(["track-sc0 src"], "request", acls, { mode: "http" }, none);
  assert.match(r.errors.map(formatRuleError).join(), /no stick table in this section/);
});

test("without stick tables in the context, stick fetches fail and tracking does nothing", () => {
  const { options } = setup();
  const c = l4Context();
  const rules = http(["track-sc0 src table per_ip"], options);
  evaluateHttpRules(rules, { ctx: c, req: undefined as never });
  assert.equal(value("sc0_conn_cur", c, options), undefined);
  assert.equal(value("src_conn_cur(per_ip)", c, options), undefined);
});
