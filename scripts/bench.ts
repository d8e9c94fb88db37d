// Benchmark harness (run via scripts/bench): TCP and HTTP mode, HAProxy vs tsproxy vs others, docs/bench.md.
import { BASE_PATH_IDS, HTTP_PATH_IDS, httpSuite } from "./bench_lib/http.ts";
import { die, OUT, parseArgs, snapshot, snapshotBase } from "./bench_lib/options.ts";
import { runPaired } from "./bench_lib/paired.ts";
import { runSuite, type Suite } from "./bench_lib/suite.ts";
import { TCP_PATH_IDS, tcpSuite } from "./bench_lib/tcp.ts";

const opts = parseArgs(Deno.args);
const unknown = opts.paths?.filter((id) =>
  !TCP_PATH_IDS.includes(id) && !HTTP_PATH_IDS.includes(id)
);
if (unknown?.length) die(`--paths: unknown path ${unknown.join(", ")}`);
const needBase = opts.paths?.filter((id) => BASE_PATH_IDS.includes(id));
if (needBase?.length && !opts.base) die(`--paths ${needBase.join(",")} needs --base REV`);

Deno.mkdirSync(`${OUT}/logs`, { recursive: true });
snapshot();
if (opts.base) snapshotBase(opts.base);
const suites: Suite[] = [];
for (const mode of opts.modes) {
  const suite = mode === "tcp" ? tcpSuite(opts) : httpSuite(opts);
  if (suite.paths.length) suites.push(suite);
  else console.error(`bench: ${mode}: none of the --paths exist in this mode; skipped`);
}
if (!suites.length) die("nothing to run");

let failures = 0;
if (opts.paired) {
  const http = suites.find((s) => s.mode === "http") ?? die("--paired needs --only http");
  const { paired: pairs, slices, sliceSecs } = opts;
  Deno.exit(await runPaired(http, opts, { pairs, slices, sliceSecs }) ? 1 : 0);
}
for (const suite of suites) failures += await runSuite(suite, opts);
Deno.exit(failures ? 1 : 0);
