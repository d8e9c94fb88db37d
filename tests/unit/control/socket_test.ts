/** The CLI socket protocol: one line then close, `;` separated commands, prompt mode, quit, level lowering. */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { splitCommands } from "../../../src/control/socket.ts";
import type { RunningProxy } from "../../../src/plan/mod.ts";
import { BASE_YAML, inProcessProxy } from "./_proxy.ts";

const path = join(mkdtempSync(join(tmpdir(), "tsproxy-cli-")), "cli.sock");
let p: RunningProxy;
before(async () => {
  p = await inProcessProxy(
    BASE_YAML.replace(
      "global: { log: none }",
      `global: { log: none, statsSocket: { path: "${path}", address: "127.0.0.1:0" } }`,
    ),
  );
});
after(() => p.shutdown());

/** Writes `chunks` in order (waiting `gapMs` between), reads until the server closes or `untilText` shows. */
function talk(chunks: string[], opts: { tcpPort?: number; end?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = opts.tcpPort ? connect({ host: "127.0.0.1", port: opts.tcpPort }) : connect({ path });
    let got = "";
    const timer = setTimeout(() => {
      c.destroy();
      reject(new Error(`no close; got ${JSON.stringify(got)}`));
    }, 5000);
    c.on("data", (d) => (got += d.toString()));
    c.on("close", () => {
      clearTimeout(timer);
      resolve(got);
    });
    c.on("error", reject);
    for (const ch of chunks) c.write(ch);
    if (opts.end) c.end();
  });
}

test("one line: each command's answer then an empty line, then the connection closes", async () => {
  const out = await talk(["get weight app/s1; get weight app/s2\n"]);
  assert.equal(out, "1 (initial 1)\n\n10 (initial 10)\n\n");
});

test("a last line without newline is run when the client half-closes", async () => {
  assert.equal(await talk(["show backend"], { end: true }), "# name\napp\nst\n\n");
});

test("prompt: '> ' after each answer, until quit", async () => {
  const out = await talk(["prompt\n", "get weight app/s1\n", "quit\n"]);
  assert.equal(out, "> 1 (initial 1)\n\n> ");
});

test("user lowers the level for the rest of the connection", async () => {
  const out = await talk(["user; set weight app/s1 3; get weight app/s1\n"]);
  assert.equal(out, "Permission denied\n\n1 (initial 1)\n\n");
});

test("the TCP address answers the same", async () => {
  const port = Number(p.control.socket!.addresses[1]!.split(":").pop());
  assert.equal(await talk(["show backend\n"], { tcpPort: port }), "# name\napp\nst\n\n");
});

test("splitCommands() keeps an escaped semicolon", () => {
  assert.deepEqual(splitCommands(" a ; b\\;c ;; "), ["a", "b\\;c"]);
});
