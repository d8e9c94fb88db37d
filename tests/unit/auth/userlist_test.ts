/** Tests for userlists: hash checks at load, credentials verified once and cached (bounded), groups. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { basicCredentials } from "../../../src/auth/authorization.ts";
import { shaCrypt } from "../../../src/auth/sha_crypt.ts";
import { hashProblem, Userlist, userlistProblems } from "../../../src/auth/userlist.ts";

const H6 = shaCrypt("s3cret", "$6$saltsalt")!;
const H5 = shaCrypt("five", "$5$rounds=1000$pepper")!;

function creds(user: string, password: string) {
  return basicCredentials(`Basic ${btoa(`${user}:${password}`)}`)!;
}

test("hashProblem accepts $5$ and $6$ and refuses bcrypt, other schemes and malformed hashes", () => {
  assert.equal(hashProblem(H6), null);
  assert.equal(hashProblem(H5), null);
  assert.match(
    hashProblem("$2y$10$abcdefghijklmnopqrstuu5b0aT0Yx6RkJRR8ncv0q2Ub4kQPaFa")!,
    /bcrypt.*not supported/,
  );
  assert.match(hashProblem("$1$salt$abc")!, /"\$1\$" is not supported/);
  assert.match(hashProblem("plain")!, /not a crypt\(3\) hash/);
  assert.match(hashProblem(H6.slice(0, -2))!, /86 characters/);
});

test("userlistProblems names duplicate users, missing passwords and unknown group members by path", () => {
  const p = userlistProblems({
    users: [{ name: "a", password: H6 }, { name: "a", insecurePassword: "x" }, { name: "b" }],
    groups: [{ name: "g", users: ["a", "zed"] }],
  });
  assert.deepEqual(p.map((x) => x.path.join(".")), ["users.1.name", "users.2", "groups.0.users.1"]);
  assert.match(p[2]!.message, /group "g" names no user "zed"/);
});

test("Userlist.check verifies $6$, $5$ and clear passwords; unknown users and wrong passwords fail", () => {
  const ul = new Userlist("l", {
    users: [
      { name: "alice", password: H6 },
      { name: "bob", password: H5 },
      { name: "carol", insecurePassword: "plain pw" },
    ],
  });
  assert.equal(ul.check(creds("alice", "s3cret")), true);
  assert.equal(ul.check(creds("alice", "S3cret")), false);
  assert.equal(ul.check(creds("bob", "five")), true);
  assert.equal(ul.check(creds("carol", "plain pw")), true);
  assert.equal(ul.check(creds("carol", "plain")), false);
  assert.equal(ul.check(creds("dave", "s3cret")), false);
});

test("Userlist.check runs the crypt once per distinct credential and keeps at most the cache size", () => {
  const ul = new Userlist("l", { users: [{ name: "alice", password: H6 }] }, 2);
  const t0 = performance.now();
  assert.equal(ul.check(creds("alice", "s3cret")), true);
  const first = performance.now() - t0;
  const t1 = performance.now();
  for (let i = 0; i < 100; i++) assert.equal(ul.check(creds("alice", "s3cret")), true);
  const hundred = performance.now() - t1;
  assert.ok(hundred < first * 5, `100 cached checks (${hundred} ms) vs one crypt (${first} ms)`);
  assert.equal(ul.cached, 1);
  ul.check(creds("alice", "w1"));
  ul.check(creds("alice", "w2"));
  assert.equal(ul.cached, 2, "bounded");
  assert.equal(ul.check(creds("alice", "w2")), false, "a cached refusal stays a refusal");
});

test("Userlist groups come from the users and from group lines", () => {
  const ul = new Userlist("l", {
    users: [{ name: "a", password: H6, groups: ["ops"] }, { name: "b", insecurePassword: "x" }],
    groups: [{ name: "admins", users: ["a", "b"] }, { name: "empty" }],
  });
  assert.deepEqual(ul.groupsOf("a"), ["ops", "admins"]);
  assert.deepEqual(ul.groupsOf("b"), ["admins"]);
  assert.deepEqual(ul.groupsOf("nobody"), []);
  assert.deepEqual(["ops", "empty", "other"].map((g) => ul.hasGroup(g)), [true, true, false]);
});
