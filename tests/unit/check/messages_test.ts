/** Tests for the health check log lines: HAProxy's wording, code only where HAProxy prints it. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { asciiEncode, noServerMessage, transitionMessage } from "../../../src/check/messages.ts";

const base = { backend: "app", server: "s1", backup: false, durationMs: 3, active: 1, backups: 0 };

test("transitionMessage() words a DOWN with status, code, info and what is left", () => {
  assert.equal(
    transitionMessage({
      ...base,
      to: "DOWN",
      verdict: {
        ok: false,
        status: "Layer7 wrong status",
        code: 500,
        info: "Internal Server Error",
      },
    }),
    'Server app/s1 is DOWN, reason: Layer7 wrong status, code: 500, info: "Internal Server Error", ' +
      "check duration: 3ms. 1 active and 0 backup servers left.",
  );
});

test("transitionMessage() words an UP, with Backup for a backup server", () => {
  assert.equal(
    transitionMessage({
      ...base,
      to: "UP",
      backup: true,
      active: 2,
      backups: 1,
      durationMs: 1.6,
      verdict: { ok: true, status: "Layer4 check passed" },
    }),
    "Backup Server app/s1 is UP, reason: Layer4 check passed, check duration: 2ms. " +
      "2 active and 1 backup servers online.",
  );
});

test("transitionMessage() prints code only for Layer7 passed / wrong status", () => {
  const line = transitionMessage({
    ...base,
    to: "DOWN",
    verdict: {
      ok: false,
      status: "Layer7 invalid response",
      code: 200,
      info: "HTTP content check did not match",
    },
  });
  assert.equal(
    line,
    'Server app/s1 is DOWN, reason: Layer7 invalid response, info: "HTTP content check did not ' +
      'match", check duration: 3ms. 1 active and 0 backup servers left.',
  );
});

test("asciiEncode() escapes quotes and control bytes as <XX>", () => {
  assert.equal(asciiEncode('say "hi"\n\u00e9'), "say <22>hi<22><0A><E9>");
});

test("noServerMessage() is HAProxy's alert", () => {
  assert.equal(noServerMessage("app"), "backend app has no server available!");
});
