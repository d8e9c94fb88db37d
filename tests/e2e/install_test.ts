/** scripts/release and install.sh end to end: a release folder served over HTTP, installed as root and
 * as a non-root user in clean homes, a corrupted binary refused, the systemd unit verified. */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { sleep } from "./helpers/net.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const VERSION = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version as string;
const HOST = `linux-${process.arch === "arm64" ? "arm64" : "x64"}`;
const ASSET = `tsproxy-${HOST}`;
const STAMP = new RegExp(
  `^tsproxy ${VERSION.replaceAll(".", "\\.")}\\+[0-9a-f]{12}(-dirty)? \\(bun `,
);
const NOBODY = 65534;
/** Installing as root and as another user (runuser) needs root; else those tests are skipped. */
const AS_ROOT = process.getuid?.() === 0;
const dir = mkdtempSync(join(tmpdir(), "tsproxy-install-"));
chmodSync(dir, 0o755); // the non-root user reaches its home and TMPDIR inside
const serve = join(dir, "srv");
let server: ChildProcess | undefined;
let base = "";

function run(cmd: string, args: string[], env: Record<string, string> = {}, timeout = 120_000) {
  const r = spawnSync(cmd, args, {
    encoding: "utf8",
    timeout,
    env: { PATH: "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", ...env },
  });
  return { code: r.status, out: r.stdout ?? "", err: r.stderr ?? "" };
}

/** A fresh home (and TMPDIR) owned by `uid`. */
function home(name: string, uid = 0): { home: string; tmp: string } {
  const h = join(dir, name), t = join(dir, `${name}-tmp`);
  for (const d of [h, t]) {
    mkdirSync(d, { recursive: true });
    if (uid !== 0) chownSync(d, uid, uid);
  }
  return { home: h, tmp: t };
}

/** `curl URL/install.sh | sh -s -- ARGS`, as root or (via runuser) as nobody, in a clean env. */
function install(args: string[], h: { home: string; tmp: string }, asUser = false) {
  const env = { HOME: h.home, TMPDIR: h.tmp, TSPROXY_BASE_URL: base };
  const line = `curl -fsSL ${base}/latest/install.sh | sh -s -- ${args.join(" ")}`;
  if (!asUser) return run("sh", ["-c", line], env);
  const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  return run("runuser", [
    "-u",
    "nobody",
    "--",
    "env",
    "-i",
    "PATH=/usr/bin:/bin",
    ...vars,
    "sh",
    "-c",
    line,
  ]);
}

before(async () => {
  const r = run("bash", [join(ROOT, "scripts/release"), join(serve, `v${VERSION}`)], {
    PATH: `${join(ROOT, "node_modules/.bin")}:${process.env.PATH}`,
    TSPROXY_TARGETS: HOST,
    HOME: process.env.HOME ?? "/root",
  }, 300_000);
  assert.equal(r.code, 0, r.out + r.err);
  cpSync(join(serve, `v${VERSION}`), join(serve, "latest"), { recursive: true });
  // v9.9.9: the same SHA256SUMS, one byte of the binary changed
  cpSync(join(serve, `v${VERSION}`), join(serve, "v9.9.9"), { recursive: true });
  const bad = join(serve, "v9.9.9", ASSET);
  const bytes = readFileSync(bad);
  const at = bytes.length - 100;
  bytes[at] = bytes[at]! ^ 0xff;
  writeFileSync(bad, bytes);
  server = spawn("python3", ["-u", "-m", "http.server", "-b", "127.0.0.1", "0"], {
    cwd: serve,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  server.stdout!.on("data", (d) => (out += d));
  for (let i = 0; i < 100 && !/port (\d+)/.test(out); i++) await sleep(50);
  const port = /port (\d+)/.exec(out)?.[1];
  assert.ok(port, `python3 -m http.server did not start: ${out}`);
  base = `http://127.0.0.1:${port}`;
});
after(() => {
  server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

test("scripts/release: the host binary, install.sh and SHA256SUMS that match them", () => {
  const rel = join(serve, `v${VERSION}`);
  assert.deepEqual(readdirSync(rel).sort(), ["SHA256SUMS", ASSET, "install.sh"].sort());
  const check = spawnSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: rel, encoding: "utf8" });
  assert.equal(check.status, 0, check.stdout + check.stderr);
  assert.match(check.stdout, new RegExp(`${ASSET}: OK`));
  const v = run(join(rel, ASSET), ["version"]);
  assert.match(v.out, STAMP, "version and commit stamped");
});

test("install.sh as root: /usr/local/bin (under --destdir), --systemd unit and sample config", (t) => {
  if (!AS_ROOT) return t.skip("needs root");
  const h = home("root-home");
  const dest = join(dir, "rootfs");
  const r = install(["--destdir", dest, "--systemd"], h);
  assert.equal(r.code, 0, r.err);
  const bin = join(dest, "usr/local/bin/tsproxy");
  assert.match(run(bin, ["version"]).out, STAMP);
  assert.deepEqual(readdirSync(h.home), [], "nothing written to HOME");
  assert.deepEqual(readdirSync(h.tmp), [], "the download folder is removed");
  const unit = readFileSync(join(dest, "etc/systemd/system/tsproxy.service"), "utf8");
  for (
    const line of [
      "ExecStartPre=/usr/local/bin/tsproxy check -c /etc/tsproxy/tsproxy.yaml",
      "ExecStart=/usr/local/bin/tsproxy run -c /etc/tsproxy/tsproxy.yaml",
      "ExecReload=/bin/kill -HUP $MAINPID",
      "Restart=on-failure",
      "User=tsproxy",
      "AmbientCapabilities=CAP_NET_BIND_SERVICE",
    ]
  ) assert.ok(unit.includes(`${line}\n`), `unit has ${line}`);
  assert.match(unit, /^LimitNOFILE=\d+$/m);
  const sample = run(bin, ["check", "-c", join(dest, "etc/tsproxy/tsproxy.yaml")]);
  assert.equal(sample.out, "configuration is valid\n", sample.err);
});

test("systemd-analyze verify accepts the unit (and refuses a broken copy)", (t) => {
  if (spawnSync("systemd-analyze", ["--version"]).status !== 0) {
    t.skip("systemd-analyze is not installed");
    return;
  }
  const dest = join(dir, "rootfs");
  mkdirSync(join(dest, "usr/lib/systemd"), { recursive: true });
  if (!existsSync(join(dest, "usr/lib/systemd/system"))) {
    symlinkSync("/usr/lib/systemd/system", join(dest, "usr/lib/systemd/system"));
  }
  const verify = (root: string) =>
    run("systemd-analyze", ["verify", `--root=${root}`, "/etc/systemd/system/tsproxy.service"]);
  const ok = verify(dest);
  assert.equal(ok.code, 0, ok.err);
  assert.doesNotMatch(ok.err, /tsproxy\.service/, "no complaint about the unit");
  const broken = join(dir, "rootfs-broken");
  cpSync(dest, broken, { recursive: true, verbatimSymlinks: true });
  const unit = join(broken, "etc/systemd/system/tsproxy.service");
  writeFileSync(
    unit,
    readFileSync(unit, "utf8").replace("Restart=on-failure", "Restart=sometimes"),
  );
  rmSync(join(broken, "usr/local/bin/tsproxy"));
  const bad = verify(broken);
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, /restart specifier/);
});

test("install.sh is POSIX sh: shellcheck -s sh finds nothing", (t) => {
  if (spawnSync("shellcheck", ["--version"]).status !== 0) return t.skip("no shellcheck");
  const r = run("shellcheck", ["-s", "sh", join(ROOT, "install.sh")]);
  assert.equal(r.code, 0, r.out);
  const rel = run("shellcheck", [join(ROOT, "scripts/release")]);
  assert.equal(rel.code, 0, rel.out);
});

test("install.sh as a non-root user (runuser -u nobody): ~/.local/bin; --systemd refused", (t) => {
  if (!AS_ROOT) return t.skip("needs root for runuser");
  const h = home("user-home", NOBODY);
  const r = install([], h, true);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /\.local\/bin is not on your PATH/);
  const bin = join(h.home, ".local/bin/tsproxy");
  const v = run("runuser", ["-u", "nobody", "--", bin, "version"]);
  assert.match(v.out, STAMP, v.err);
  assert.deepEqual(readdirSync(h.tmp), []);
  const s = install(["--systemd"], home("user-home2", NOBODY), true);
  assert.equal(s.code, 1);
  assert.match(s.err, /--systemd needs root/);
});

test("install.sh --version 9.9.9 with a corrupted binary: checksum refused, nothing installed", () => {
  for (const asUser of AS_ROOT ? [false, true] : [false]) {
    const h = home(asUser ? "bad-user" : "bad-root", asUser ? NOBODY : 0);
    const dest = join(dir, "rootfs-bad");
    const r = install(["--version", "9.9.9", ...(asUser ? [] : ["--destdir", dest])], h, asUser);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, new RegExp(`checksum mismatch for ${ASSET} .*refusing to install`));
    assert.deepEqual(readdirSync(h.home), [], "no ~/.local/bin");
    assert.deepEqual(readdirSync(h.tmp), [], "no download left");
    assert.ok(!existsSync(dest));
  }
  const missing = install(["--version", "0.0.1", "--destdir", join(dir, "x")], home("missing"));
  assert.equal(missing.code, 1);
  assert.match(missing.err, /cannot download .*\/v0\.0\.1\/tsproxy-linux-/);
});
