#!/usr/bin/env -S deno run --allow-read --allow-env --allow-sys --allow-net
/** The tsproxy command line: the only place that reads argv and exits the process. */
import process from "node:process";
import { parseArgs } from "node:util";
import { getLogger, isLogLevel, type LogLevel } from "@logtape/logtape";
import {
  type Config,
  type ConfigError,
  configJsonSchema,
  formatAddress,
  formatConfigError,
} from "./src/config/mod.ts";
import { configureLogging, flushLogging, reopenLogs } from "./src/log/setup.ts";
import { ProcessCounters } from "./src/stats/counters.ts";
import { ControlLink, type RunningProxy, startProxy } from "./src/plan/mod.ts";
import { runOnApi, runOnSocket } from "./src/control/ctl.ts";
import { getRuntime, permissionMessage, type Runtime } from "./src/runtime/mod.ts";
import { missingPermissions } from "./src/cli/permissions.ts";
import { loadAnyConfig } from "./src/cli/load.ts";
import { runImport } from "./src/cli/import.ts";
import { EXPLAIN_OPTIONS, EXPLAIN_USAGE, runExplain } from "./src/cli/explain.ts";
import { VERSION, VERSION_STAMP } from "./src/version.ts";
import { BinaryUpgrade, upgradeOnSignal, upgradeThenDrain } from "./src/master/upgrade.ts";
import { runMaster, workerCount } from "./src/cli/master_run.ts";
import { serveMaster, workerIndex } from "./src/cli/worker.ts";
import { cpus } from "node:os";

const USAGE = `tsproxy ${VERSION}: a TCP/HTTP proxy and load balancer

Usage: tsproxy <command> [options]

Commands:
  run -c FILE      start the proxy with a config file (-c may be left out)
  check -c FILE    validate a config file and report every error (-c may be left out)
  ctl COMMAND      run a runtime command (show stat, set server ...) on a running proxy
  import FILE      convert a haproxy.cfg to tsproxy's YAML
  explain -c FILE 'GET /path' [-H 'Name: value'] [--src IP]
                   what the proxy would do with a request (rules, backend, server, head)
  schema           print the JSON Schema of the config file
  version          print the version and the runtime

Run "tsproxy <command> --help" for a command's options.
`;

const COMMANDS = {
  run: {
    usage: `Usage: tsproxy run -c FILE [--log-level LEVEL]   (or: tsproxy run FILE)

Start the proxy. Signals:
  SIGTERM, SIGINT  stop gracefully; a second one (300 ms or more later) exits at once
  SIGHUP           reload: read and check the config file again and run it when valid (listeners
                   kept, connections under way finish, certificates re-read); errors are logged and
                   the running config stays
  SIGUSR1          reopen the log files (after logrotate moved them)
  SIGUSR2          binary upgrade: start the executable again (as it is on disk now) handing it
                   the listening sockets; once it serves, this process stops accepting and stops
                   gracefully. If it fails to start, this one goes on serving (Bun and the
                   compiled binary; on Deno it is logged and ignored)
With global.workers above 1 (Bun, the binary) these go to the master: HUP reloads the workers one
by one, TERM/INT drains them all, USR1 reaches them, USR2 starts a new master with its workers.

Options:
  -c, --config FILE      config file (.yaml, .yml, .json, .ts, or a haproxy .cfg)
  -l, --log-level LEVEL  trace, debug, info, warning, error or fatal (default: info)
  -h, --help             show this help
`,
    options: {
      config: { type: "string", short: "c" },
      "log-level": { type: "string", short: "l", default: "info" },
    },
  },
  check: {
    usage: `Usage: tsproxy check -c FILE   (or: tsproxy check FILE)

Validate a config file. Prints "configuration is valid" and exits 0, or prints every error as
FILE:LINE: PATH: MESSAGE on stderr and exits 1.

Options:
  -c, --config FILE  config file (.yaml, .yml, .json, .ts, or a haproxy .cfg)
  -h, --help         show this help
`,
    options: { config: { type: "string", short: "c" } },
  },
  ctl: {
    usage: `Usage: tsproxy ctl (-s SOCKET | --url URL --token TOKEN) COMMAND...

Run one HAProxy runtime command on a running proxy and print its answer: through the CLI socket
(global.statsSocket) or through the admin API (global.api, POST /api/commands).

Examples:
  tsproxy ctl -s /run/tsproxy.sock show stat
  tsproxy ctl --url http://127.0.0.1:9100 --token T set server app/s1 state drain
  tsproxy ctl -s /run/tsproxy.sock reload

Options:
  -s, --socket PATH  the CLI socket's unix path
  --url URL          the admin API's address
  --token TOKEN      the API token (default: $TSPROXY_TOKEN)
  -h, --help         show this help
`,
    options: {
      socket: { type: "string", short: "s" },
      url: { type: "string" },
      token: { type: "string" },
    },
  },
  import: {
    usage: `Usage: tsproxy import haproxy.cfg [-o FILE]

Convert an HAProxy configuration to tsproxy's YAML (stdout, or FILE). Rule lines (acl,
http-request, tcp-request, use_backend) are kept as written; every line that is not converted is
listed on stderr as FILE:LINE with the reason. Exits 0 when everything was converted, 1 when
something was not (the YAML is still written). check and run accept a .cfg file directly.

Options:
  -o, --output FILE  write the YAML there
  -h, --help         show this help
`,
    options: { output: { type: "string", short: "o" } },
  },
  explain: { usage: EXPLAIN_USAGE, options: EXPLAIN_OPTIONS },
  schema: {
    usage: `Usage: tsproxy schema

Print the JSON Schema of the config file format (for editors and validators).
`,
    options: {},
  },
  version: {
    usage: `Usage: tsproxy version

Print the tsproxy version and the runtime it runs on.
`,
    options: {},
  },
} as const;

type Command = keyof typeof COMMANDS;

/** Thrown for a command line we cannot act on; exits 2 with the message and a usage hint. */
class UsageError extends Error {
  override name = "UsageError";
}

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => stream.write(text, () => resolve()));
}

async function printConfigErrors(errors: ConfigError[]): Promise<void> {
  await write(process.stderr, errors.map((e) => formatConfigError(e) + "\n").join(""));
}

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    await write(process.stderr, USAGE);
    return 2;
  }
  if (first === "-h" || first === "--help" || first === "help") {
    const topic = rest[0];
    await write(
      process.stdout,
      topic && topic in COMMANDS ? COMMANDS[topic as Command].usage : USAGE,
    );
    return 0;
  }
  if (first === "--version") return await version();
  if (!(first in COMMANDS)) {
    await write(process.stderr, `tsproxy: unknown command "${first}"\n\n${USAGE}`);
    return 2;
  }
  const command = first as Command;
  let values: {
    config?: string | undefined;
    "log-level"?: string | undefined;
    help?: boolean;
    socket?: string;
    url?: string;
    token?: string;
    output?: string;
    header?: string[];
    src?: string;
    dst?: string;
    sni?: string;
    frontend?: string;
    raw?: string;
    json?: boolean;
  };
  let positionals: string[];
  try {
    const parsed = parseArgs({
      args: rest,
      options: { ...COMMANDS[command].options, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: ["ctl", "run", "check", "import", "explain"].includes(command),
    });
    values = parsed.values as typeof values;
    positionals = parsed.positionals;
  } catch (e) {
    await write(
      process.stderr,
      `tsproxy ${command}: ${(e as Error).message}\n\n${COMMANDS[command].usage}`,
    );
    return 2;
  }
  if (values.help) {
    await write(process.stdout, COMMANDS[command].usage);
    return 0;
  }
  try {
    switch (command) {
      case "run":
        return await run(
          requireConfig(values.config, positionals),
          logLevel(values["log-level"] ?? "info"),
        );
      case "check":
        return await check(requireConfig(values.config, positionals));
      case "ctl":
        return await ctl(values, positionals);
      case "import": {
        const r = await runImport(requireConfig(undefined, positionals), values.output);
        await write(process.stdout, r.stdout);
        await write(process.stderr, r.stderr);
        return r.code;
      }
      case "explain": {
        const r = await runExplain(values, positionals);
        if (r.code === 2) throw new UsageError(r.stderr);
        await write(process.stdout, r.stdout);
        await write(process.stderr, r.stderr);
        return r.code;
      }
      case "schema":
        await write(process.stdout, JSON.stringify(configJsonSchema(), null, 2) + "\n");
        return 0;
      case "version":
        return await version();
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    await write(process.stderr, `tsproxy ${command}: ${e.message}\n\n${COMMANDS[command].usage}`);
    return 2;
  }
}

/** The config file: `-c FILE` or the one positional argument (`tsproxy check haproxy.yaml`). */
function requireConfig(option: string | undefined, positionals: string[]): string {
  if (positionals.length > (option === undefined ? 1 : 0)) {
    throw new UsageError(`unexpected argument "${positionals.at(-1)}" (one config file)`);
  }
  const file = option ?? positionals[0];
  if (file === undefined || file === "") throw new UsageError("missing -c FILE (the config file)");
  return file;
}

/** Deno refusing what the config needs (a log file without --allow-write): one line each. */
async function refusePermissions(config: Config): Promise<boolean> {
  const missing = missingPermissions(config);
  for (const m of missing) await write(process.stderr, `tsproxy: ${m}\n`);
  return missing.length > 0;
}

function logLevel(text: string): LogLevel {
  if (!isLogLevel(text)) throw new UsageError(`unknown log level "${text}"`);
  return text;
}

async function ctl(
  o: { socket?: string; url?: string; token?: string },
  words: string[],
): Promise<number> {
  if (words.length === 0) throw new UsageError("missing the command to run");
  if ((o.socket === undefined) === (o.url === undefined)) {
    throw new UsageError("give either -s SOCKET or --url URL");
  }
  const line = words.join(" ");
  try {
    let answer: string;
    if (o.socket !== undefined) answer = await runOnSocket(o.socket, line);
    else {
      const token = o.token ?? process.env.TSPROXY_TOKEN;
      if (!token) throw new UsageError("--url needs --token TOKEN (or TSPROXY_TOKEN)");
      answer = await runOnApi(o.url!, token, line);
    }
    await write(process.stdout, answer);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    await write(process.stderr, `tsproxy ctl: ${(e as Error).message}\n`);
    return 1;
  }
}

async function version(): Promise<number> {
  const runtime = await getRuntime();
  await write(process.stdout, `tsproxy ${VERSION_STAMP} (${runtime.name} ${runtime.version})\n`);
  return 0;
}

async function check(file: string): Promise<number> {
  const result = await loadAnyConfig(file);
  if (!result.ok) {
    await printConfigErrors(result.errors);
    return 1;
  }
  if (await refusePermissions(result.config)) return 1;
  await write(process.stdout, "configuration is valid\n");
  return 0;
}

async function run(file: string, level: LogLevel): Promise<number> {
  const result = await loadAnyConfig(file);
  if (!result.ok) {
    await printConfigErrors(result.errors);
    return 1;
  }
  if (await refusePermissions(result.config)) return 1;
  const counters = new ProcessCounters();
  await configureLogging({
    level,
    access: result.config.global.log,
    syslog: result.config.global.syslog,
    counters,
  });
  const log = getLogger(["tsproxy", "cli"]);
  const runtime = await getRuntime();
  const worker = workerIndex();
  const workers = worker === null ? workerCount(result.config, cpus().length) : 1;
  if (workers > 1 && runtime.startWorker && runtime.holdListening) {
    const reread = async () => {
      const r = await loadAnyConfig(file);
      return r.ok ? r.config : null;
    };
    const code = await runMaster(result.config, runtime, workers, reread);
    await flushLogging();
    return code;
  }
  if (workers > 1) {
    log
      .warn`global.workers ${workers}: ${runtime.name} cannot hand listening sockets to worker processes (denoland/deno#14006); running one process (use Bun or the compiled binary for workers)`;
  }
  const link = new ControlLink();
  let handle: RunningProxy;
  try {
    handle = await startProxy(result.config, runtime, counters, link, undefined, file, {
      statsSocket: worker === null,
    });
  } catch (e) {
    await flushLogging();
    await write(process.stderr, `tsproxy: ${(e as Error).message}\n`);
    return 1;
  }
  for (const b of handle.binds) {
    const tls = b.tls ? ` (TLS, ${b.tls.stack})` : "";
    // a worker's line says "accepting": the master says "listening" once all workers serve
    if (worker !== null) {
      log.info`frontend ${b.frontend} accepting on ${formatAddress(b)}${tls} (worker ${worker})`;
    } else log.info`frontend ${b.frontend} listening on ${formatAddress(b)}${tls}`;
    for (const w of b.tls?.warnings ?? []) log.warn`frontend ${b.frontend}: ${w}`;
  }
  // started by an upgrade: sockets no bind took left the config; the old process may now drain
  for (const a of runtime.inherited.closeRest()) log.info`inherited socket ${a} closed (not bound)`;
  runtime.tellParentReady();
  runtime.onSignal("SIGHUP", () => {
    log.info("SIGHUP received: reloading the configuration");
    void handle.reload(); // logs its changes, or its errors
  });
  runtime.onSignal("SIGUSR1", () => {
    log.info("SIGUSR1 received: reopening the log files");
    reopenLogs();
  });
  const stopper = untilStopped(handle, runtime, result.config.global.hardStopAfter);
  if (worker !== null && runtime.parent) {
    // the master upgrades (SIGUSR2 to it); one sent here is only logged
    serveMaster(runtime.parent, handle, link, stopper.stop);
    runtime.onSignal("SIGUSR2", () => log.warn`worker ${worker}: SIGUSR2 is the master's`);
  } else {
    const upgrade = new BinaryUpgrade(runtime, () => handle.listeningSockets());
    const upgradeNow = () => upgradeThenDrain(upgrade, stopper.stop, stopper.stopping);
    upgradeOnSignal(runtime, upgradeNow);
    handle.control.onUpgrade(upgradeNow);
  }
  const code = await stopper.done;
  await flushLogging();
  return code;
}

/**
 * Waits for SIGTERM/SIGINT (or `stop`: an upgrade's new process serves), shuts down once; `done`
 * resolves with the exit code.
 */
function untilStopped(
  handle: RunningProxy,
  runtime: Runtime,
  hardStopAfter: number,
): { done: Promise<number>; stop(why: string): boolean; stopping(): boolean } {
  const log = getLogger(["tsproxy", "cli"]);
  let stop: (why: string) => boolean = () => false;
  let stopping = false;
  const done = new Promise<number>((resolve) => {
    let firstAt = 0;
    const onSignal = (signal: string, reason = `${signal} received`) => {
      if (stopping) {
        // A wrapper (deno task, npm, a shell) often forwards the one Ctrl-C the terminal already
        // sent to the whole process group: a repeat within 300 ms is that same signal.
        if (Date.now() - firstAt < 300) return;
        log.warn`${signal} received again: exiting now`;
        void flushLogging().finally(() => process.exit(1));
        return;
      }
      stopping = true;
      firstAt = Date.now();
      log.info`${reason}: stopping (open connections get up to ${hardStopAfter}ms)`;
      // A last resort should shutdown itself hang past its own hard stop.
      const guard = setTimeout(() => {
        log.error`shutdown still not done ${hardStopAfter + 5000}ms after ${signal}: exiting`;
        resolve(1);
      }, hardStopAfter + 5000);
      handle.shutdown(signal !== "upgrade").then(
        () => {
          clearTimeout(guard);
          log.info("stopped");
          resolve(0);
        },
        (e: unknown) => {
          clearTimeout(guard);
          log.error`shutdown failed: ${(e as Error).message}`;
          resolve(1);
        },
      );
    };
    runtime.onSignal("SIGTERM", () => onSignal("SIGTERM"));
    runtime.onSignal("SIGINT", () => onSignal("SIGINT"));
    stop = (why) => {
      if (stopping) return false;
      onSignal("upgrade", why);
      return true;
    };
  });
  return { done, stop: (why) => stop(why), stopping: () => stopping };
}

// Deno refusing an operation later (no flag for it) ends the process with one line, not a trace.
process.on("uncaughtException", (e) => {
  const line = permissionMessage(e);
  if (line === undefined) throw e;
  process.stderr.write(`tsproxy: ${line}\n`, () => process.exit(1));
});
process.exit(await main(process.argv.slice(2)));
