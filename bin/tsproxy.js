#!/usr/bin/env node
// The npm package's `bin`: runs tsproxy's CLI on Bun (already running, the package's `bun`
// platform package, or bun on PATH), or on Deno with --deno / TSPROXY_RUNTIME=deno. Plain JS for Node.
import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = join(ROOT, "cli.ts");
/** Deno refuses to strip types under node_modules: the package carries the CLI bundled as JS
 * (`npm pack` builds it, see package.json's prepack); a source checkout runs cli.ts. */
const DENO_CLI = existsSync(join(ROOT, "dist", "npm", "cli.mjs"))
  ? join(ROOT, "dist", "npm", "cli.mjs")
  : CLI;
const require = createRequire(join(ROOT, "package.json"));
/** What Deno needs: net (listen, connect), read (config), env (yaml), sys, write (logs, sockets). */
const DENO_FLAGS = ["--allow-net", "--allow-read", "--allow-env", "--allow-sys", "--allow-write"];

/** A file that is a real executable, not a package manager's placeholder (bun's bin/bun.exe). */
function executable(path) {
  try {
    const s = statSync(path);
    return s.isFile() && s.size > 1_000_000 ? path : undefined;
  } catch {
    return undefined;
  }
}

/** A package's directory if it is installed next to this one. */
function packageDir(name) {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir !== "" && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Bun: its platform package (this package's optional dependency: npm installs the one for this
 * OS, CPU and libc, with no install script), the `bun` package, or bun on PATH. */
function findBun() {
  const arch = process.arch === "arm64" ? "aarch64" : process.arch;
  for (const libc of ["", "-musl"]) {
    const dir = packageDir(`@oven/bun-${process.platform}-${arch}${libc}`);
    const bin = dir && executable(join(dir, "bin", "bun"));
    if (bin) return bin;
  }
  const dir = packageDir("bun");
  return (dir && executable(join(dir, "bin", "bun.exe"))) ?? onPath("bun");
}

function findDeno() {
  const dir = packageDir("deno");
  const arch = process.arch === "arm64" ? "arm64" : "x64";
  const platform = packageDir(`@deno/${process.platform}-${arch}-glibc`);
  return (dir && executable(join(dir, "deno"))) ??
    (platform && executable(join(platform, "deno"))) ??
    onPath("deno");
}

/** Runs the CLI in a child process and mirrors its end: exit code, or the signal that ended it. */
function runChild(command, args) {
  const child = spawn(command, args, { stdio: "inherit" });
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP", "SIGUSR1", "SIGUSR2"]) {
    process.on(sig, () => child.kill(sig));
  }
  child.on("error", (e) => {
    process.stderr.write(`tsproxy: cannot start ${command}: ${e.message}\n`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => process.exit(code ?? (signal === "SIGINT" ? 130 : 1)));
}

const args = process.argv.slice(2);
const deno = args.includes("--deno") || process.env.TSPROXY_RUNTIME === "deno";
const rest = args.filter((a) => a !== "--deno");
// The CLI reads process.argv when it runs in this process.
process.argv.splice(2, args.length, ...rest);

if (deno) {
  if ("Deno" in globalThis) await import(pathToFileURL(DENO_CLI).href);
  else {
    const bin = findDeno();
    if (bin === undefined) {
      process.stderr.write(
        "tsproxy: --deno: Deno not found (install it: npm install deno, or put deno on PATH)\n",
      );
      process.exit(1);
    }
    runChild(bin, ["run", "--quiet", ...DENO_FLAGS, DENO_CLI, ...rest]);
  }
} else if (process.versions.bun !== undefined) {
  // bunx --bun, or bun running this file: the CLI runs in this process.
  await import(pathToFileURL(CLI).href);
} else {
  const bin = findBun();
  if (bin === undefined) {
    process.stderr.write(
      "tsproxy: Bun not found (the package's bun dependency is missing and bun is not on PATH): " +
        "npm install bun, or run with --deno\n",
    );
    process.exit(1);
  }
  runChild(bin, [CLI, ...rest]);
}
