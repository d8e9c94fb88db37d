// Benchmark command line and shared constants: directories, CPU pinning, --quick/--runs/--only/--paths/--base.

export const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
export const TMP = Deno.env.get("BENCH_TMP") ?? Deno.makeTempDirSync({ prefix: "tsproxy-bench." });
export const OUT = `${ROOT}/.bench`;
export const PROXY_CPU = "0"; // the proxy under test
export const GEN_CPU = "1"; // the load generator and the origin server

export const MODES = ["tcp", "http"] as const;
export type Mode = typeof MODES[number];

const HELP =
  `usage: scripts/bench [--quick] [--only tcp|http] [--paths ID,...] [--runs N] [--base REV]
  --quick   smoke run: tcp 256 MiB per bulk run and 20k requests; http 3 s per wrk run
  --only    run one mode (default: tcp, then http)
  --paths   subset of paths, by id (default: all that exist):
              both modes: direct, haproxy, bun, deno, binary
              tcp and http: bun-workers (global.workers: 2, unpinned)
              http only:  deno-listen (Deno's plain binds on Deno.listen, not node:net), bun-rules, bun-stick, bun-shared (the stick table shared
                through a redis-server the bench starts), bun-nolog, nginx, bun-naive
              http, tsproxy at --base REV: bun-base, deno-base
              http, 1 MiB HTML compressed (gzip, br): haproxy-comp, nginx-comp,
                bun-comp, deno-comp
              http, TLS (keep-alive; a handshake per request): haproxy-tls,
                nginx-tls, bun-tls, bun-tls-node, deno-tls
  --runs    repeat every measurement N times and report the best (default 3, 1 with --quick)
  --paired  A:B[,A:B...] (http): each pair's two tsproxy paths side by side, measured in
            alternating slices (A B, B A, ...) on every keep-alive and close workload; reports the
            median over pairs of B's req/s over A's against the path's cost aim (bun-stats 0.98,
            bun-stick and bun-shared 0.95, bun-rules 0.9), in .bench/paired.md. Example:
              scripts/bench --only http --paired bun:bun-stats,bun:bun-stick,bun-stick:bun-shared
  --slices  pairs of slices per workload with --paired (default 8)
  --slice-secs  seconds per slice with --paired (default 3)
  --base    git revision (HEAD~5, a commit hash, a branch) to compare the working tree with:
            its cli.ts, mod.ts, src/ and package files run as the bun-base and deno-base paths
            (same config as bun and deno, own port); with bun and bun-base (or deno and
            deno-base) the report adds the median over rounds of the per-round ratio, working
            tree over base, and whether req/s is at least 0.98x. Example, "not slower":
              scripts/bench --only http --paths bun,bun-base --base HEAD~5 --runs 5`;

export function die(msg: string): never {
  console.error(`bench: ${msg}`);
  Deno.exit(2);
}

export interface Options {
  quick: boolean;
  runs: number;
  modes: Mode[];
  /** Path ids to run; undefined: every path that can run. */
  paths: string[] | undefined;
  /** Git revision for the bun-base and deno-base paths (--base); undefined: those paths are off. */
  base: string | undefined;
  /** --paired A:B pairs (path ids); undefined: the usual best-of-N table. */
  paired: [string, string][] | undefined;
  slices: number;
  sliceSecs: number;
}

export function parseArgs(args: string[]): Options {
  let quick = false;
  let runs = 0; // 0: 3 for a full run, 1 with --quick
  let modes: Mode[] = [...MODES];
  let paths: string[] | undefined;
  let base: string | undefined;
  let paired: [string, string][] | undefined;
  let slices = 8, sliceSecs = 3;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const next = () => args[++i] ?? die(`${a} needs a value`);
    if (a === "--quick") quick = true;
    else if (a === "--only") {
      const m = next();
      if (!(MODES as readonly string[]).includes(m)) die(`--only ${m}: expected tcp or http`);
      modes = [m as Mode];
    } else if (a === "--paths") paths = next().split(",");
    else if (a === "--runs") runs = Number(next());
    else if (a === "--base") base = next();
    else if (a === "--paired") {
      paired = next().split(",").map((x) => {
        const [l, r] = x.split(":");
        return l && r ? [l, r] as [string, string] : die(`--paired ${x}: expected A:B`);
      });
    } else if (a === "--slices") slices = Number(next());
    else if (a === "--slice-secs") sliceSecs = Number(next());
    else if (a === "-h" || a === "--help") {
      console.log(HELP);
      Deno.exit(0);
    } else die(`unknown argument ${a}\n${HELP}`);
  }
  if (runs === 0) runs = quick ? 1 : 3;
  if (!(runs >= 1)) die("--runs must be a positive number");
  if (!(slices >= 1 && sliceSecs >= 1)) die("--slices and --slice-secs must be at least 1");
  if (paired) paths = [...new Set(paired.flat())];
  return { quick, runs, modes, paths, base, paired, slices, sliceSecs };
}

export const exists = (p: string) => {
  try {
    Deno.statSync(p);
    return true;
  } catch {
    return false;
  }
};

/** Where tsproxy runs from: a copy of the working tree, so edits made during a run do not leak in. */
export const TREE = `${TMP}/tree`;
/** What TREE was copied from, for the report header; set by {@link snapshot}. */
export let treeInfo = "";

/** What tsproxy is made of: copied to TREE (and BASE_TREE from git). */
const FILES = ["cli.ts", "mod.ts", "src", "package.json", "deno.json"];

/** `git ARGS` in ROOT: its trimmed stdout, or "" if it failed. */
function git(...args: string[]): string {
  const out = new Deno.Command("git", { args, cwd: ROOT, stderr: "null" }).outputSync();
  return out.success ? new TextDecoder().decode(out.stdout).trim() : "";
}

/** Copies cli.ts, mod.ts, src/ and the package files to TREE; node_modules is linked, not copied. */
export function snapshot() {
  Deno.mkdirSync(TREE, { recursive: true });
  const files = FILES.filter((f) => exists(`${ROOT}/${f}`));
  const cp = new Deno.Command("cp", { args: ["-a", ...files, TREE], cwd: ROOT }).outputSync();
  if (!cp.success) die(`copying the working tree: ${new TextDecoder().decode(cp.stderr)}`);
  Deno.symlinkSync(`${ROOT}/node_modules`, `${TREE}/node_modules`);
  const head = git("rev-parse", "--short", "HEAD") || "?";
  const dirty = git("status", "--porcelain", "--", ...files).split("\n").filter(Boolean).length;
  treeInfo =
    `tsproxy copied from the working tree at ${new Date().toISOString().slice(11, 16)} UTC ` +
    `(HEAD ${head}${dirty ? `, ${dirty} uncommitted change(s) in ${files.join(" ")}` : ""})`;
}

/** Where the bun-base and deno-base paths run from: the same files as TREE, at the --base revision. */
export const BASE_TREE = `${TMP}/base-tree`;
/** The --base revision as given and its short hash, for labels; set by {@link snapshotBase}. */
export let baseRev: { rev: string; short: string } | undefined;

/**
 * Extracts FILES at git revision `rev` (`git archive`) into BASE_TREE, node_modules linked to the
 * working tree's (so the base runs on the same dependencies); appends what it took to treeInfo.
 */
export function snapshotBase(rev: string) {
  const hash = git("rev-parse", "--verify", "--quiet", `${rev}^{commit}`);
  if (!hash) die(`--base ${rev}: not a commit in ${ROOT}`);
  const files = FILES.filter((f) => git("cat-file", "-t", `${hash}:${f}`) !== "");
  if (!files.includes("cli.ts")) die(`--base ${rev}: no cli.ts at ${hash.slice(0, 7)}`);
  Deno.mkdirSync(BASE_TREE, { recursive: true });
  const tar = `${TMP}/base-tree.tar`;
  const run = (cmd: string, args: string[]) => {
    const out = new Deno.Command(cmd, { args, cwd: ROOT, stdout: "null" }).outputSync();
    if (!out.success) die(`--base ${rev}: ${cmd}: ${new TextDecoder().decode(out.stderr)}`);
  };
  run("git", ["archive", "--format=tar", "-o", tar, hash, "--", ...files]);
  run("tar", ["-xf", tar, "-C", BASE_TREE]);
  Deno.removeSync(tar);
  Deno.symlinkSync(`${ROOT}/node_modules`, `${BASE_TREE}/node_modules`);
  const short = git("rev-parse", "--short", hash) || hash.slice(0, 7);
  baseRev = { rev, short };
  const subject = git("log", "-1", "--format=%s", hash);
  const depsChanged = git("diff", "--name-only", hash, "--", "package.json", "deno.json") !== "";
  treeInfo +=
    `; base: ${rev} = ${short} (${subject.length > 60 ? subject.slice(0, 57) + "..." : subject})` +
    ` from git, on the working tree's node_modules${
      depsChanged ? " (package.json or deno.json differ from the base's)" : ""
    }`;
}
