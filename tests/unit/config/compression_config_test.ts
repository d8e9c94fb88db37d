/** Tests for the `compression` block: validation, parseSize, and how sections combine (effectiveCompression). */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type Config,
  effectiveCompression,
  parseConfigText,
  parseSize,
} from "../../../src/config/mod.ts";
import { AVAILABLE_ALGOS } from "../../../src/compress/negotiate.ts";

function config(extra: { defaults?: string; frontend?: string; backend?: string; mode?: string }) {
  return `
defaults: { mode: ${extra.mode ?? "http"} ${
    extra.defaults ? `, compression: ${extra.defaults}` : ""
  } }
frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app ${
    extra.frontend ? `, compression: ${extra.frontend}` : ""
  } }
backends:
  app:
    ${extra.backend ? `compression: ${extra.backend}` : ""}
    servers: [{ name: a, address: "127.0.0.1:9000" }]
  other:
    servers: [{ name: b, address: "127.0.0.1:9001" }]
`;
}

function valid(text: string): Config {
  const r = parseConfigText(text, "t.yaml");
  if (!r.ok) assert.fail(r.errors.map((e) => `${e.line}: ${e.path}: ${e.message}`).join("\n"));
  return r.config;
}

function errors(text: string): string[] {
  const r = parseConfigText(text, "t.yaml");
  assert.equal(r.ok, false, "expected the config to be refused");
  return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
}

test("parseSize() reads bytes and k, m, g suffixes (powers of 1024)", () => {
  assert.equal(parseSize(256), 256);
  assert.equal(parseSize("256"), 256);
  assert.equal(parseSize("1k"), 1024);
  assert.equal(parseSize("2M"), 2 * 1024 * 1024);
  assert.equal(parseSize(" 1g "), 1024 ** 3);
  assert.throws(() => parseSize("5x"), /Cannot parse size "5x"/);
  assert.throws(() => parseSize("1.5k"), RangeError);
  assert.throws(() => parseSize(-1), /0 or more/);
});

test("compression: a frontend's block is read, sizes parsed", () => {
  const c = valid(config({
    frontend:
      "{ algo: [br, gzip], type: [text/html, text/*], minsize: 1k, offload: true, level: 5 }",
  }));
  assert.deepEqual(c.frontends["web"]!.compression, {
    algo: ["br", "gzip"],
    type: ["text/html", "text/*"],
    minsize: 1024,
    offload: true,
    level: 5,
  });
});

test("compression: unknown or repeated algorithms, bad types, levels and sizes are refused", () => {
  assert.match(
    errors(config({ frontend: "{ algo: [lzma] }" })).join("\n"),
    /expected a compression algorithm/,
  );
  assert.match(errors(config({ frontend: "{ algo: [gzip, gzip] }" })).join("\n"), /listed twice/);
  assert.match(errors(config({ frontend: "{ algo: [] }" })).join("\n"), /at least one/);
  assert.match(
    errors(config({ frontend: "{ algo: [gzip], type: [html] }" })).join("\n"),
    /media type/,
  );
  assert.match(
    errors(config({ frontend: "{ algo: [gzip], minsize: 1q }" })).join("\n"),
    /Cannot parse size/,
  );
  assert.ok(errors(config({ frontend: "{ algo: [gzip], level: 20 }" })).length > 0);
  assert.ok(errors(config({ frontend: "{ algo: [gzip], level: { gzip: 10 } }" })).length > 0);
  assert.ok(errors(config({ frontend: "{ algo: [gzip], level: { lz4: 1 } }" })).length > 0);
  assert.match(errors(config({ frontend: "{ algo: [gzip], ratio: 3 }" })).join("\n"), /ratio/);
});

test("compression: offload is refused in defaults, as HAProxy ignores it there", () => {
  assert.match(
    errors(config({ defaults: "{ algo: [gzip], offload: true }" })).join("\n"),
    /offload is not allowed in defaults/,
  );
});

test("compression: refused on a frontend or backend in tcp mode", () => {
  const errs = errors(
    config({ mode: "tcp", frontend: "{ algo: [gzip] }", backend: "{ algo: [gzip] }" }),
  );
  assert.ok(
    errs.some((e) => /frontends\.web\.compression.*needs http mode/.test(e)),
    errs.join("\n"),
  );
  assert.ok(
    errs.some((e) => /backends\.app\.compression.*needs http mode/.test(e)),
    errs.join("\n"),
  );
});

test("compression: every algorithm this runtime has is accepted", () => {
  const c = valid(config({ frontend: `{ algo: [${AVAILABLE_ALGOS.join(", ")}] }` }));
  assert.deepEqual(c.frontends["web"]!.compression?.algo, [...AVAILABLE_ALGOS]);
});

test("effectiveCompression() is null without an algorithm anywhere", () => {
  const c = valid(config({ frontend: "{ type: [text/html], minsize: 100 }" }));
  assert.equal(effectiveCompression(c, "web", "app"), null);
  assert.equal(effectiveCompression(valid(config({})), "web", "app"), null);
});

test("effectiveCompression() fills HAProxy's defaults: every type, minsize 0, no offload", () => {
  const c = valid(config({ frontend: "{ algo: [gzip, br] }" }));
  assert.deepEqual(effectiveCompression(c, "web", "app"), {
    algos: ["gzip", "br"],
    types: [],
    offload: false,
    minsize: 0,
    levels: { gzip: 1, deflate: 1, br: 4, zstd: 3 },
  });
});

test("effectiveCompression() takes each key from the backend, else the frontend, else defaults", () => {
  const c = valid(config({
    defaults: "{ algo: [gzip], type: [text/html], minsize: 10, level: 9 }",
    frontend: "{ algo: [br, gzip], offload: true, level: { br: 6 } }",
    backend: "{ algo: [gzip], minsize: 2k }",
  }));
  const app = effectiveCompression(c, "web", "app")!;
  assert.deepEqual(app.algos, ["gzip"]);
  assert.deepEqual(app.types, ["text/html"]);
  assert.equal(app.minsize, 2048);
  assert.equal(app.offload, true);
  assert.equal(app.levels.br, 6);
  assert.equal(app.levels.gzip, 1, "a level object sets only the algorithms it names");
  const other = effectiveCompression(c, "web", "other")!;
  assert.deepEqual(other.algos, ["br", "gzip"]);
  assert.equal(other.minsize, 10);
});

test("effectiveCompression() clamps a single level into each algorithm's range", () => {
  const hi = effectiveCompression(
    valid(config({ frontend: "{ algo: [gzip], level: 19 }" })),
    "web",
    "app",
  )!;
  assert.deepEqual(hi.levels, { gzip: 9, deflate: 9, br: 11, zstd: 19 });
  const lo = effectiveCompression(
    valid(config({ frontend: "{ algo: [gzip], level: 0 }" })),
    "web",
    "app",
  )!;
  assert.deepEqual(lo.levels, { gzip: 1, deflate: 1, br: 0, zstd: 1 });
});
