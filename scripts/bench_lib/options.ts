// Benchmark command line and shared constants: directories, CPU pinning, --quick/--runs/--only/--paths.

export const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
export const TMP = Deno.env.get("BENCH_TMP") ?? Deno.makeTempDirSync({ prefix: "tsproxy-bench." });
export const OUT = `${ROOT}/.bench`;
export const PROXY_CPU = "0"; // the proxy under test
export const GEN_CPU = "1"; // the load generator and the origin server

export const MODES = ["tcp", "http"] as const;
export type Mode = typeof MODES[number];

const HELP = `usage: scripts/bench [--quick] [--only tcp|http] [--paths ID,...] [--runs N]
  --quick   smoke run: tcp 256 MiB per bulk run and 20k requests; http 3 s per wrk run
  --only    run one mode (default: tcp, then http)
  --paths   subset of paths, by id (default: all that exist):
              both modes: direct, haproxy, bun, deno, binary
              http only:  bun-rules, bun-nolog, nginx, bun-naive
              http, 1 MiB HTML compressed (gzip, br): haproxy-comp, nginx-comp,
                bun-comp, deno-comp
              http, TLS (keep-alive; a handshake per request): haproxy-tls,
                nginx-tls, bun-tls, bun-tls-node, deno-tls
  --runs    repeat every measurement N times and report the best (default 3, 1 with --quick)`;

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
}

export function parseArgs(args: string[]): Options {
  let quick = false;
  let runs = 0; // 0: 3 for a full run, 1 with --quick
  let modes: Mode[] = [...MODES];
  let paths: string[] | undefined;
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
    else if (a === "-h" || a === "--help") {
      console.log(HELP);
      Deno.exit(0);
    } else die(`unknown argument ${a}\n${HELP}`);
  }
  if (runs === 0) runs = quick ? 1 : 3;
  if (!(runs >= 1)) die("--runs must be a positive number");
  return { quick, runs, modes, paths };
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

/** Copies cli.ts, mod.ts, src/ and the package files to TREE; node_modules is linked, not copied. */
export function snapshot() {
  Deno.mkdirSync(TREE, { recursive: true });
  const files = ["cli.ts", "mod.ts", "src", "package.json", "deno.json"].filter((f) =>
    exists(`${ROOT}/${f}`)
  );
  const cp = new Deno.Command("cp", { args: ["-a", ...files, TREE], cwd: ROOT }).outputSync();
  if (!cp.success) die(`copying the working tree: ${new TextDecoder().decode(cp.stderr)}`);
  Deno.symlinkSync(`${ROOT}/node_modules`, `${TREE}/node_modules`);
  const git = (...args: string[]) => {
    const out = new Deno.Command("git", { args, cwd: ROOT, stderr: "null" }).outputSync();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : "";
  };
  const head = git("rev-parse", "--short", "HEAD") || "?";
  const dirty = git("status", "--porcelain", "--", ...files).split("\n").filter(Boolean).length;
  treeInfo =
    `tsproxy copied from the working tree at ${new Date().toISOString().slice(11, 16)} UTC ` +
    `(HEAD ${head}${dirty ? `, ${dirty} uncommitted change(s) in ${files.join(" ")}` : ""})`;
}
