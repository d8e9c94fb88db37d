/** The README's start command: the quickstart proxy alternates curl requests between its two demo origins. */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { test } from "node:test";
import { sleep } from "./helpers/net.ts";

test("quickstart: curl localhost:8080 twice reaches origin_a then origin_b; SIGINT stops it", async () => {
  const root = new URL("../..", import.meta.url).pathname;
  const proc = spawn("bash", ["scripts/start.sh"], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => proc.on("exit", (code) => r(code)));
  try {
    for (let i = 0; i < 200 && !out.includes("listening on"); i++) await sleep(50);
    assert.match(out, /listening on 127\.0\.0\.1:8080/);
    const answers = [1, 2, 3].map(() =>
      spawnSync("curl", ["-s", "--max-time", "5", "http://localhost:8080/"], { encoding: "utf8" })
        .stdout
    );
    assert.match(answers[0]!, /hello from origin_a/);
    assert.match(answers[1]!, /hello from origin_b/);
    assert.match(answers[2]!, /hello from origin_a/);
    assert.match(answers[0]!, /x-forwarded-for: 127\.0\.0\.1/);
    for (let i = 0; i < 40 && (out.match(/ web demo\/origin_/g) ?? []).length < 3; i++) {
      await sleep(50);
    }
    assert.match(
      out,
      /\] web demo\/origin_a \d+\/0\/\d+\/\d+\/\d+ 200 \d+ - - ---- .* "GET \/ HTTP\/1\.1"/,
    );
  } finally {
    proc.kill("SIGINT");
  }
  assert.equal(await exited, 0, out);
  assert.match(out, /stopped/);
});
