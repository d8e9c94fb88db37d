/** Rules differential, routing: ACL fetches and matches, conditions and useBackend, in haproxy and tsproxy alike. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { HAPROXY_BIN, haproxyAvailable } from "./helpers/haproxy.ts";
import { checkScenarios, type Scenario } from "./helpers/rules_diff.ts";

const scenarios: Scenario[] = [
  {
    name: "vhost hdr(host) -i",
    acl: ["host_b hdr(host) -i b.example"],
    useBackend: ["b if host_b"],
    requests: [
      { path: "/", host: "B.Example" },
      { path: "/", host: "a.example" },
      { path: "/", host: "b.example:8080" },
    ],
  },
  {
    name: "vhost hdr_dom(host)",
    acl: ["dom_c hdr_dom(host) -i example.org"],
    useBackend: ["c if dom_c"],
    requests: [
      { path: "/", host: "www.Example.org" },
      { path: "/", host: "example.org:81" },
      { path: "/", host: "example.org.evil.test" },
      { path: "/", host: "notexample.org" },
    ],
  },
  {
    name: "vhost hdr_beg(host)",
    acl: ["api_host hdr_beg(host) -i api."],
    useBackend: ["b if api_host"],
    requests: [
      { path: "/", host: "api.example" },
      { path: "/", host: "API.other" },
      { path: "/", host: "www.api.example" },
    ],
  },
  {
    name: "path_beg and path_end",
    acl: ["is_api path_beg /api /v1", "is_static path_end .css .js"],
    useBackend: ["b if is_api", "c if is_static"],
    requests: [
      { path: "/api/users" },
      { path: "/v1" },
      { path: "/site.css" },
      { path: "/api/app.js" },
      { path: "/x.js?v=1" },
      { path: "/apix" },
      { path: "/other" },
    ],
  },
  {
    name: "path_reg",
    acl: ["user path_reg ^/user/[0-9]+$"],
    useBackend: ["b if user"],
    requests: [
      { path: "/user/42" },
      { path: "/user/42?tab=1" },
      { path: "/user/42/x" },
      { path: "/user/abc" },
    ],
  },
  {
    name: "path_dir",
    acl: ["img path_dir img"],
    useBackend: ["b if img"],
    requests: [{ path: "/img/x.png" }, { path: "/a/img" }, { path: "/images/x" }, {
      path: "/img?x",
    }],
  },
  {
    name: "url_param",
    acl: ["lang url_param(lang) fr de", "debug urlp(debug) -m found"],
    useBackend: ["b if lang", "c if debug"],
    requests: [
      { path: "/?lang=fr" },
      { path: "/p?x=1&lang=de" },
      { path: "/?lang=en" },
      { path: "/?debug=1" },
      { path: "/?debug" },
      { path: "/?xlang=fr" },
    ],
  },
  {
    name: "method",
    acl: ["writes method POST PUT"],
    useBackend: ["b if writes"],
    requests: [
      { path: "/" },
      { method: "POST", path: "/", headers: [["Content-Length", "0"]] },
      { method: "PUT", path: "/", headers: [["Content-Length", "0"]] },
      { method: "DELETE", path: "/" },
      { method: "HEAD", path: "/" },
    ],
  },
  {
    name: "src CIDR",
    acl: ["ten src 10.0.0.0/8", "local src 127.0.0.0/8 ::1"],
    useBackend: ["b if ten", "c if local"],
    requests: [{ path: "/" }],
  },
  {
    name: "-m found and -m len",
    acl: ["has_token hdr(x-token) -m found", "long_token hdr(x-token) -m len 9:"],
    useBackend: ["c if long_token", "b if has_token"],
    requests: [
      { path: "/" },
      { path: "/", headers: [["X-Token", "short"]] },
      { path: "/", headers: [["X-Token", "much-longer-token"]] },
      { path: "/", headers: [["X-Token", ""]] },
    ],
  },
  {
    name: "hdr_cnt and integer compares",
    acl: ["many hdr_cnt(x-item) gt 1", "none hdr_cnt(x-item) eq 0"],
    useBackend: ["b if many", "c if none"],
    requests: [
      { path: "/" },
      { path: "/", headers: [["X-Item", "1"]] },
      { path: "/", headers: [["X-Item", "1"], ["X-Item", "2"]] },
      { path: "/", headers: [["X-Item", "1, 2"]] },
    ],
  },
  {
    name: "req.ver",
    acl: ["v10 req.ver 1.0"],
    useBackend: ["b if v10"],
    requests: [{ path: "/" }, { path: "/", version: "1.0" }],
  },
  {
    name: "named ACL declared twice (OR)",
    acl: ["special path /a", "special path /b", "special hdr(x-special) -m found"],
    useBackend: ["b if special"],
    requests: [
      { path: "/a" },
      { path: "/b" },
      { path: "/c" },
      { path: "/c", headers: [["X-Special", "1"]] },
    ],
  },
  {
    name: "negation and AND",
    acl: ["is_api path_beg /api", "v2 hdr(x-v2) -m found"],
    useBackend: ["c if is_api !v2", "b if is_api"],
    requests: [{ path: "/api" }, { path: "/api", headers: [["X-V2", "1"]] }, { path: "/x" }],
  },
  {
    name: "|| and or with anonymous ACLs",
    useBackend: [
      "b if { path /x } || { path /y }",
      "c if { path /z } or { hdr(x-c) -m found }",
    ],
    requests: [
      { path: "/x" },
      { path: "/y" },
      { path: "/z" },
      { path: "/w", headers: [["X-C", "1"]] },
      { path: "/w" },
    ],
  },
  {
    name: "predefined ACLs",
    httpRequest: [
      "set-header X-Get 1 if METH_GET",
      "set-header X-Post 1 if METH_POST",
      "set-header X-11 1 if HTTP_1.1",
      "set-header X-10 1 if HTTP_1.0",
      "set-header X-Local 1 if LOCALHOST",
      "set-header X-True 1 if TRUE",
      "set-header X-False 1 if FALSE",
      "set-header X-Slash 1 if HTTP_URL_SLASH",
    ],
    requests: [
      { path: "/" },
      { method: "HEAD", path: "/" },
      { method: "POST", path: "/", version: "1.0", headers: [["Content-Length", "0"]] },
    ],
  },
  {
    name: "useBackend first match and unless",
    useBackend: [
      "b if { path_beg /x }",
      "c if { path_beg /x/y }",
      "c if { path_beg /z }",
      "b if { path_beg /z }",
      "c unless { path_beg /keep }",
    ],
    requests: [{ path: "/x/y" }, { path: "/z" }, { path: "/keep" }, { path: "/other" }],
  },
  {
    name: "rules see earlier rewrites",
    httpRequest: ["set-path /b%[path] if { path_beg /x }", "set-header X-Route c if { path /c }"],
    useBackend: ["b if { path_beg /b/ }", "c if { hdr(x-route) c }"],
    requests: [{ path: "/x/1?q=1" }, { path: "/c" }, { path: "/d" }],
  },
  {
    name: "cookies and header occurrences",
    acl: ["logged req.cook(session) -m found", "admin cook(role) admin"],
    useBackend: ["c if admin", "b if logged"],
    requests: [
      { path: "/", headers: [["Cookie", "a=1; session=xyz"]] },
      { path: "/", headers: [["Cookie", "session=1; role=admin"]] },
      { path: "/", headers: [["Cookie", "role=user"]] },
    ],
  },
];

/** Differences kept on purpose: "scenario #request field" → why. */
const justified: Record<string, string> = {};

test(`rules differential, routing: ${scenarios.length} scenarios through haproxy and tsproxy`, async () => {
  assert.ok(haproxyAvailable(), `${HAPROXY_BIN} is not installed (apt-get install haproxy)`);
  await checkScenarios("routing", scenarios, justified);
});
