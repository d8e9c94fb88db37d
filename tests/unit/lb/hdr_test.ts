/** hdr(NAME): a header's value hashed (use_domain_only: its domain name); round-robin without it. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { domainOnly, headerKey } from "../../../src/lb/_keys.ts";
import { hdr } from "../../../src/lb/hdr.ts";
import { farm, request } from "./fake.ts";

test("domainOnly() keeps the label before the top-level domain", () => {
  assert.equal(domainOnly("www.haproxy.org"), "haproxy");
  assert.equal(domainOnly("haproxy.org"), "haproxy");
  assert.equal(domainOnly("a.b.example.com:8080"), "example");
  assert.equal(domainOnly("localhost"), "localhost");
});

test("headerKey() takes the first comma-separated value; empty counts as absent", () => {
  assert.equal(headerKey(request("/", { "x-user": " alice , bob" }), "x-user"), "alice");
  assert.equal(headerKey(request("/", { "x-user": "" }), "x-user"), undefined);
  assert.equal(headerKey(request("/"), "x-user"), undefined);
});

test("hdr(host) use_domain_only sends every host of a domain to one server", () => {
  const b = hdr.create(farm(["a", "b", "c", "d"]), { header: "host", useDomainOnly: true });
  for (const domain of ["example", "haproxy", "deno", "bun"]) {
    const names = new Set(
      ["www", "api", "static", "m"].map((sub) =>
        b.pick({ http: request("/", { host: `${sub}.${domain}.org` }) })?.name
      ),
    );
    assert.equal(names.size, 1, `${domain} spread over ${[...names]}`);
  }
});

test("hdr() sends the same value to the same server", () => {
  const b = hdr.create(farm(["a", "b", "c"]), { header: "x-user", useDomainOnly: false });
  for (let i = 0; i < 30; i++) {
    const http = request(`/${i}`, { "x-user": `u${i % 5}` });
    assert.equal(
      b.pick({ http })?.name,
      b.pick({ http: request("/", { "x-user": `u${i % 5}` }) })?.name,
    );
  }
});

test("hdr() falls back to round-robin without the header or with it empty", () => {
  const b = hdr.create(farm(["a", "b", "c"]), { header: "x-user", useDomainOnly: false });
  const seq = [{}, { "x-user": "" }, { "x-other": "1" }, {}].map((h) =>
    b.pick({ http: request("/", h) })?.name
  );
  assert.deepEqual(seq, ["a", "b", "c", "a"]);
});
