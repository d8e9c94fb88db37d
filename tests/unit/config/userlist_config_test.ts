/** Userlists in the config: the schema, their checks by path, and rules naming unknown userlists. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { shaCrypt } from "../../../src/auth/sha_crypt.ts";
import { type ConfigError, parseConfigText } from "../../../src/config/mod.ts";

const H6 = shaCrypt("pw", "$6$saltsalt")!;

function messages(text: string): string[] {
  const r = parseConfigText(text, "t.yaml");
  return r.ok ? [] : r.errors.map((e: ConfigError) => `${e.path}: ${e.message}`);
}

const FRONTEND = `frontends:
  web:
    bind: ["127.0.0.1:0"]
    mode: http
    defaultBackend: app
    acl: ["ok http_auth(admins)", "ops http_auth_group(admins) ops"]
    httpRequest: ["auth realm Admins unless ok", "deny unless ops"]
backends:
  app: { mode: http, servers: [{ name: s1, address: "127.0.0.1:1" }] }
`;

test("a userlist with hashed and clear passwords and groups loads", () => {
  assert.deepEqual(
    messages(`userlists:
  admins:
    users:
      - { name: alice, password: "${H6}", groups: [ops] }
      - { name: bob, insecurePassword: builder }
    groups: [{ name: ops, users: [bob] }]
${FRONTEND}`),
    [],
  );
});

test("bcrypt, other schemes, missing passwords and unknown members are errors with their path", () => {
  assert.deepEqual(
    messages(`userlists:
  admins:
    users:
      - { name: a, password: "$2y$10$abcdefghijklmnopqrstuu5b0aT0Yx6RkJRR8ncv0q2Ub4kQPaFa" }
      - { name: b, password: "$1$salt$abc" }
      - { name: c }
    groups: [{ name: ops, users: [zed] }]
${FRONTEND}`),
    [
      'userlists.admins.users[0].password: userlist "admins": user "a": bcrypt hashes ($2a$, $2b$, $2y$) are not supported (node:crypto has no bcrypt): use a $6$ or $5$ hash (openssl passwd -6)',
      'userlists.admins.users[1].password: userlist "admins": user "b": crypt scheme "$1$" is not supported: use a $6$ or $5$ hash (openssl passwd -6)',
      'userlists.admins.users[2]: userlist "admins": user "c" needs one of password or insecurePassword',
      'userlists.admins.groups[0].users[0]: userlist "admins": group "ops" names no user "zed"',
    ],
  );
});

test("http_auth naming an unknown userlist is an error at its rule's path", () => {
  const m = messages(`userlists:
  admin: { users: [{ name: a, insecurePassword: x }] }
${FRONTEND}`);
  assert.match(
    m[0]!,
    /^frontends\.web\.acl\[0\]: .*unknown userlist "admins" \(did you mean "admin"\?\)/,
  );
  assert.match(m[1]!, /^frontends\.web\.acl\[1\]: fetch "http_auth_group": unknown userlist/);
  assert.deepEqual(m.slice(2).map((x) => x.split(":")[0]), [
    "frontends.web.httpRequest[0]", // the ACLs left out are unknown to the rules
    "frontends.web.httpRequest[1]",
  ]);
});
