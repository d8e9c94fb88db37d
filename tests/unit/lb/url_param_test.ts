/** url_param: a query parameter's value hashed; round-robin when the request lacks it. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { urlParam as findParam } from "../../../src/lb/_keys.ts";
import { urlParam } from "../../../src/lb/url_param.ts";
import { farm, request } from "./fake.ts";

test("urlParam() finds the first exact name=value pair, undecoded", () => {
  assert.equal(findParam("userid=42&x=1", "userid"), "42");
  assert.equal(findParam("x=1&userid=42&userid=7", "userid"), "42");
  assert.equal(findParam("xuserid=1&userid=", "userid"), "");
  assert.equal(findParam("user%20id=1", "user%20id"), "1");
  assert.equal(findParam("userid&x=1", "userid"), undefined, "a name without '=' has no value");
  assert.equal(findParam("", "userid"), undefined);
});

test("url_param() sends a user to the same server", () => {
  const b = urlParam.create(farm(["a", "b", "c", "d"]), { param: "userid" });
  const names = Array.from(
    { length: 50 },
    (_, i) => b.pick({ http: request(`/x?userid=${i}`) })?.name,
  );
  assert.equal(new Set(names).size, 4);
  for (let i = 0; i < 50; i++) {
    assert.equal(b.pick({ http: request(`/other?a=1&userid=${i}`) })?.name, names[i]);
  }
});

test("url_param() falls back to round-robin without the parameter", () => {
  const b = urlParam.create(farm(["a", "b", "c"]), { param: "userid" });
  const seq = ["/x", "/x?user=1", "/x?userid", "/", "/x?a=b", "/y"].map((t) =>
    b.pick({ http: request(t) })?.name
  );
  assert.deepEqual(seq, ["a", "b", "c", "a", "b", "c"]);
});
