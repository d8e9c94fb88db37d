/** Tests for renderCsv(): HAProxy 2.6's header, line order and the values of each column. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CSV_COLUMNS, renderCsv } from "../../../../src/stats/render/mod.ts";
import { NOW, sampleProxy } from "./_sample.ts";

function parse(text: string): Map<string, Record<string, string>> {
  const [head, ...lines] = text.trimEnd().split("\n");
  const cols = head!.slice(2).split(",");
  const out = new Map<string, Record<string, string>>();
  for (const l of lines) {
    const cells = l.split(",");
    assert.equal(cells.length, cols.length, `cells of ${l}`);
    const rec: Record<string, string> = {};
    cols.forEach((c, i) => (rec[c] = cells[i]!));
    out.set(`${rec.pxname}/${rec.svname}`, rec);
  }
  return out;
}

test("renderCsv(): HAProxy 2.6's header, each cell followed by a comma", () => {
  const head = renderCsv(sampleProxy(), { now: NOW }).split("\n")[0]!;
  assert.ok(head.startsWith("# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,"));
  assert.ok(head.endsWith(",h1_spliced_bytes_in,h1_spliced_bytes_out,"));
  assert.equal(CSV_COLUMNS.length, 128);
});

test("renderCsv(): frontends first, then each backend's servers and the backend", () => {
  const lines = [...parse(renderCsv(sampleProxy(), { now: NOW })).keys()];
  assert.deepEqual(lines, [
    "web/FRONTEND",
    "app/s1",
    "app/s2",
    "app/s3",
    "app/s4",
    "app/s5",
    "app/s6",
    "app/BACKEND",
  ]);
});

const VALUES: [string, Record<string, string>][] = [
  ["web/FRONTEND", {
    status: "OPEN",
    scur: "3",
    smax: "5",
    slim: "1000",
    stot: "10",
    ereq: "1",
    req_tot: "10",
    hrsp_4xx: "4",
    qcur: "",
    weight: "",
    type: "0",
    mode: "http",
    "-": "-",
  }],
  ["app/s1", {
    status: "UP",
    weight: "1",
    act: "1",
    bck: "0",
    stot: "7",
    lbtot: "7",
    hrsp_2xx: "6",
    check_status: "L7OK",
    check_code: "200",
    check_duration: "3",
    check_desc: "Layer7 check passed",
    check_rise: "2",
    check_fall: "3",
    check_health: "4",
    lastchg: "90",
    slim: "",
    qlimit: "",
    sid: "1",
    type: "2",
    addr: "127.0.0.1:9000",
  }],
  ["app/s2", { status: "UP 2/3", chkfail: "1" }],
  ["app/s3", {
    status: "DOWN 1/2",
    check_status: "L4CON",
    check_code: "",
    last_chk: "Connection refused",
  }],
  ["app/s4", { status: "MAINT", chkfail: "", check_status: "" }],
  ["app/s5", { status: "DRAIN", weight: "0" }],
  ["app/s6", { status: "no check", weight: "2", act: "0", bck: "1", uweight: "2" }],
  ["app/BACKEND", {
    status: "UP",
    weight: "2",
    act: "2",
    bck: "1",
    stot: "7",
    lbtot: "7",
    algo: "roundrobin",
    type: "1",
    sid: "0",
  }],
];

for (const [line, want] of VALUES) {
  test(`renderCsv(): the ${line} line`, () => {
    const got = parse(renderCsv(sampleProxy(), { now: NOW })).get(line)!;
    for (const [col, v] of Object.entries(want)) assert.equal(got[col], v, `${line} ${col}`);
  });
}

test("renderCsv(): a value holding a comma or a quote is quoted", () => {
  const p = sampleProxy();
  p.backend.servers[2]!.lastCheck = {
    ok: false,
    status: "Layer4 connection problem",
    info: 'refused, "twice"',
    durationMs: 1,
    at: 0,
  };
  assert.match(renderCsv(p, { now: NOW }), /,"refused, ""twice""",/);
});
