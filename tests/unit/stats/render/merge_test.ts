/** mergeCsv/mergeInfo: workers' answers as one (counters summed, maxima the largest, states the first worker's); columnMerge says which. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnMerge, mergeCsv, mergeInfo, splitCsv } from "../../../../src/stats/render/mod.ts";

test("columnMerge() sums counters and current counts, keeps maxima, ages, states and settings apart", () => {
  for (const c of ["stot", "bin", "hrsp_2xx", "req_tot", "scur", "qcur", "rate", "req_rate"]) {
    assert.equal(columnMerge(c), "sum", c);
  }
  for (const c of ["smax", "qmax", "rate_max", "req_rate_max", "ttime_max", "throttle"]) {
    assert.equal(columnMerge(c), "max", c);
  }
  assert.equal(columnMerge("lastchg"), "min");
  assert.equal(columnMerge("ttime"), "mean");
  for (const c of ["status", "weight", "check_status", "pxname", "slim", "addr", "mode"]) {
    assert.equal(columnMerge(c), "first", c);
  }
});

test("splitCsv() reads quoted cells with commas and doubled quotes", () => {
  assert.deepEqual(splitCsv('a,"b,c","d""e",'), ["a", "b,c", 'd"e', ""]);
});

test("mergeCsv() matches lines by pxname/svname and combines each column its way", () => {
  const head = "# pxname,svname,scur,smax,stot,status,check_desc,\n";
  const w0 = head + 'be,s1,2,5,100,UP,"Layer4 check passed, 1ms",\nbe,BACKEND,2,5,100,UP,,\n';
  const w1 = head + "be,s1,1,7,40,DOWN,x,\nbe,BACKEND,1,7,40,UP,,\nbe,s2,0,0,3,UP,,\n";
  assert.equal(
    mergeCsv([w0, w1]),
    head + 'be,s1,3,7,140,UP,"Layer4 check passed, 1ms",\nbe,BACKEND,3,7,140,UP,,\n' +
      "be,s2,0,0,3,UP,,\n",
  );
  assert.equal(mergeCsv([]), "");
});

test("mergeInfo() sums connections and requests, gives the master's pid and the worker count", () => {
  const a = "Name: tsproxy\nNbproc: 1\nPid: 11\nCurrConns: 3\nCumReq: 10\nMaxconn: 100\n";
  const b = "Name: tsproxy\nNbproc: 1\nPid: 12\nCurrConns: 1\nCumReq: 5\nMaxconn: 100\n";
  assert.equal(
    mergeInfo([a, b], 7),
    "Name: tsproxy\nNbproc: 2\nPid: 7\nCurrConns: 4\nCumReq: 15\nMaxconn: 100\n",
  );
});
