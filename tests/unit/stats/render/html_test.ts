/** Tests for renderHtml(): refresh, version, the tables' rows and colours, the admin form's fields. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type HtmlOptions, renderHtml } from "../../../../src/stats/render/mod.ts";
import { NOW, sampleProxy, START } from "./_sample.ts";

const BASE: HtmlOptions = {
  uri: "/stats",
  now: NOW,
  startedAt: START,
  pid: 4242,
  version: "9.8.7",
};
const page = (o: Partial<HtmlOptions> = {}) => renderHtml(sampleProxy(), { ...BASE, ...o });

test("renderHtml(): a refresh meta only when refresh > 0", () => {
  assert.match(page({ refresh: 5 }), /<meta http-equiv="refresh" content="5">/);
  assert.doesNotMatch(page(), /http-equiv="refresh"/);
});

test("renderHtml(): the version unless hidden; the pid and uptime", () => {
  assert.match(page(), /tsproxy version 9\.8\.7/);
  assert.doesNotMatch(page({ hideVersion: true }), /9\.8\.7/);
  assert.match(page(), /pid 4242/);
  assert.match(page(), /0d 0h01m30s/);
});

test("renderHtml(): no external assets", () => {
  assert.doesNotMatch(page({ admin: true }), /<(link|script|img)\b|url\(/);
});

const ROWS: [string, RegExp][] = [
  ["s1 green", /<tr class="up">.*?>s1</],
  ["s2 going down", /<tr class="going_down">.*?>s2<.*?1m30s UP 2\/3/],
  ["s3 going up", /<tr class="going_up">.*?>s3<.*?L4CON in 0ms/],
  ["s4 maint", /<tr class="maint">.*?>s4</],
  ["s5 drain", /<tr class="drain">.*?>s5</],
  ["s6 backup, unchecked", /<tr class="backup nocheck">.*?>s6<.*?no check/],
  ["the check with code and duration", /L7OK\/200 in 3ms/],
  ["the backend row", /<tr class="backend">.*?>Backend</],
  ["the frontend row", /<tr class="frontend">.*?>Frontend<.*?OPEN/],
];
for (const [what, re] of ROWS) {
  test(`renderHtml(): ${what}`, () => {
    const line = page().split("\n").find((l) => re.test(l));
    assert.ok(line, `${re}`);
  });
}

test("renderHtml(): admin forms POST s, action and b to the uri", () => {
  const html = page({ admin: true, uri: "/st&ats" });
  assert.match(html, /<form method="post" action="\/st&amp;ats">/);
  for (const s of ["s1", "s6"]) assert.match(html, new RegExp(`name="s" value="${s}"`));
  for (const a of ["ready", "drain", "maint", "dhlth", "ehlth", "shutdown"]) {
    assert.match(html, new RegExp(`<option value="${a}">`));
  }
  assert.match(html, /<input type="hidden" name="b" value="app">/);
  assert.equal(html.match(/<form /g)!.length, 1, "no form for a frontend");
  assert.doesNotMatch(page(), /<form /);
});

test("renderHtml(): a stick tables section with size and used, only when there are tables", () => {
  assert.ok(!page().includes("stick tables"));
  const p = {
    ...sampleProxy(),
    tables: new Map([["per_ip", { spec: { name: "per_ip", type: "ip", size: 1000 }, entries: 7 }]]),
  };
  const html = renderHtml(p, BASE);
  assert.match(
    html,
    /<td class="pxname">per_ip<\/td><td>ip<\/td><td>1000<\/td><td>7<\/td>/,
  );
});
