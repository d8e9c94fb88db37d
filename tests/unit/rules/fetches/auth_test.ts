/** Tests for the http_auth* fetches: userlist checks, groups in ACLs, the scheme, user, password and Bearer token. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { shaCrypt } from "../../../../src/auth/sha_crypt.ts";
import { Userlist } from "../../../../src/auth/userlist.ts";
import { compileAcls, compileSample, formatRuleError } from "../../../../src/rules/mod.ts";
import { requestContext } from "../context.ts";

const list = new Userlist("admins", {
  users: [
    { name: "alice", password: shaCrypt("wonder", "$6$abcdefgh")!, groups: ["ops"] },
    { name: "bob", insecurePassword: "builder" },
  ],
  groups: [{ name: "admins", users: ["alice"] }, { name: "dev", users: ["bob"] }],
});
const options = { userlists: new Map([["admins", list]]) };

function withAuth(value: string | null) {
  return requestContext(
    `GET / HTTP/1.1\nHost: a\n${value === null ? "" : `Authorization: ${value}\n`}`,
  );
}
const basic = (u: string, p: string) => withAuth(`Basic ${btoa(`${u}:${p}`)}`);

function acl(line: string) {
  const r = compileAcls([`x ${line}`], options);
  assert.deepEqual(r.errors.map(formatRuleError), []);
  return r.acls.get("x")!;
}

function value(expr: string, ctx: ReturnType<typeof withAuth>) {
  const r = compileSample(expr, options);
  if (!r.ok) throw new Error(formatRuleError(r.error));
  return r.sample.value(ctx);
}

test("http_auth(L) is true only for a user of L with the right password", () => {
  const a = acl("http_auth(admins)");
  assert.equal(a.test(basic("alice", "wonder")), true);
  assert.equal(a.test(basic("bob", "builder")), true);
  assert.equal(a.test(basic("alice", "builder")), false);
  assert.equal(a.test(basic("eve", "wonder")), false);
  assert.equal(a.test(withAuth(null)), false);
  assert.equal(a.test(withAuth("Bearer abc")), false);
  assert.equal(a.test(withAuth("Basic %%%")), false);
});

test("http_auth_group(L) G1 G2 matches when the authenticated user is in one of the groups", () => {
  const a = acl("http_auth_group(admins) admins ops");
  assert.equal(a.test(basic("alice", "wonder")), true);
  assert.equal(a.test(basic("alice", "nope")), false, "a wrong password is in no group");
  assert.equal(a.test(basic("bob", "builder")), false, "bob is in dev only");
  assert.equal(acl("http_auth_group(admins) -m str dev").test(basic("bob", "builder")), true);
  assert.equal(
    value("http_auth_group(admins)", basic("bob", "builder")),
    "bob",
    "the value is the user",
  );
});

test("http_auth_type, http_auth_user and http_auth_pass read the credentials unchecked", () => {
  const c = basic("mallory", "pa:ss");
  assert.deepEqual(
    [value("http_auth_type", c), value("http_auth_user", c), value("http_auth_pass", c)],
    ["Basic", "mallory", "pa:ss"],
  );
  assert.equal(value("http_auth_type", withAuth("bearer tok")), "Bearer");
  assert.equal(value("http_auth_type", withAuth("Digest x=1")), "Digest");
  assert.equal(value("http_auth_type", withAuth("Negotiate x")), undefined);
  assert.equal(value("http_auth_user", withAuth("Bearer tok")), undefined);
});

test("http_auth_bearer reads the token of Authorization, or of the header given", () => {
  assert.equal(value("http_auth_bearer", withAuth("Bearer a.b.c")), "a.b.c");
  assert.equal(value("http_auth_bearer", withAuth("Basic YTpi")), undefined);
  assert.equal(value("http_auth_bearer", withAuth("Bearer ")), undefined);
  const ctx = requestContext("GET / HTTP/1.1\nHost: a\nX-Token: Bearer t1\n");
  assert.equal(value("http_auth_bearer(x-token)", ctx), "t1");
});

test("an unknown userlist is an error naming the known ones", () => {
  const r = compileAcls(["x http_auth(admin)", "y http_auth_group(nope) g"], options);
  assert.deepEqual(r.errors.map(formatRuleError), [
    'fetch "http_auth": unknown userlist "admin" (did you mean "admins"?) at column 13',
    'fetch "http_auth_group": unknown userlist "nope" (userlists: admins) at column 19',
  ]);
  const none = compileAcls(["x http_auth(admins)"]);
  assert.match(formatRuleError(none.errors[0]!), /no userlists declared/);
});
