/** The CLI's rough edges: Deno without --allow-write told in one line; the config file without -c. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { cliCommand, RUNTIMES } from "./helpers/proxy.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DENO = join(ROOT, "node_modules", ".bin", "deno");
const dir = mkdtempSync(join(tmpdir(), "tsproxy-perm-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function config(name: string, global: string): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    `global: ${global}\nfrontends:\n  web: { bind: ["127.0.0.1:0"], defaultBackend: app }\n` +
      `backends:\n  app:\n    servers: [{ name: a, address: "127.0.0.1:9" }]\n`,
  );
  return path;
}

/** The README's Deno flags, without --allow-write. */
function denoWithout(args: string[], extra: string[] = []) {
  const r = spawnSync(DENO, [
    "run",
    "--allow-net",
    "--allow-read",
    "--allow-env",
    "--allow-sys",
    ...extra,
    join(ROOT, "cli.ts"),
    ...args,
  ], { encoding: "utf8", timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const LOG = join(dir, "access.log");
const logFile = config("log.yaml", `{ log: "${LOG}" }`);
const sock = config("sock.yaml", `{ statsSocket: { path: "${join(dir, "s.sock")}" } }`);

for (const command of ["check", "run"]) {
  test(`deno ${command} without --allow-write: one line naming the flag, exit 1, no trace`, () => {
    const r = denoWithout([command, "-c", logFile]);
    assert.equal(r.code, 1);
    assert.equal(r.err, `tsproxy: global.log ${LOG}: Deno needs --allow-write to write it\n`);
    const s = denoWithout([command, sock]);
    assert.equal(s.code, 1);
    assert.match(s.err, /^tsproxy: global\.statsSocket\.path \S+s\.sock: .*--allow-write.*\n$/);
  });
}

test("deno check with --allow-write for that file: valid", () => {
  const r = denoWithout(["check", logFile], [`--allow-write=${LOG}`]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, "configuration is valid\n");
});

for (const rt of RUNTIMES) {
  test(`${rt}: check FILE without -c is accepted; two files or -c and a file are refused`, () => {
    const good = config("good.yaml", "{}");
    const run = (args: string[]) => {
      const [cmd, pre] = cliCommand(rt, args);
      const r = spawnSync(cmd, pre, { encoding: "utf8", timeout: 30_000 });
      return { code: r.status, out: r.stdout, err: r.stderr };
    };
    const r = run(["check", good]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, "configuration is valid\n");
    for (const args of [["check", good, good], ["check", "-c", good, good]]) {
      const bad = run(args);
      assert.equal(bad.code, 2);
      assert.match(
        bad.err,
        /^tsproxy check: unexpected argument ".*good\.yaml" \(one config file\)/,
      );
    }
  });
}
