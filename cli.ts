#!/usr/bin/env -S deno run --allow-read --allow-env --allow-sys --allow-net
/** The tsproxy command line: the only place that reads argv and exits the process. */
import process from "node:process";
import { parseArgs } from "node:util";
import { isLogLevel, type LogLevel } from "@logtape/logtape";
// Only what every command needs is imported here: `run` loads the serving path (src/cli/run.ts),
// the config checker (zod, yaml) loads in `check` and in run's config child (loadConfigApart), and
// explain, import and ctl where their command runs.
import { getRuntime, permissionMessage } from "./src/runtime/mod.ts";
import { LOAD_CONFIG_COMMAND, loadConfigHere } from "./src/cli/config_apart.ts";
import { EXPLAIN_OPTIONS, EXPLAIN_USAGE } from "./src/cli/explain_usage.ts";
import { printConfigErrors, refusePermissions, write } from "./src/cli/output.ts";
import { VERSION, VERSION_STAMP } from "./src/version.ts";

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
  if (first === LOAD_CONFIG_COMMAND && rest.length === 1) {
    // run's child: the config checked here, handed over on stdout (src/cli/config_apart.ts)
    const { loadedConfigBytes } = await import("./src/cli/config_apart.ts");
    await write(process.stdout, await loadedConfigBytes(rest[0]!));
    return 0;
  }
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
      case "run": {
        const file = requireConfig(values.config, positionals),
          level = logLevel(values["log-level"] ?? "info");
        // on Bun the process starts again in place with JSC's RAM size set (returns if it does not)
        await (await getRuntime()).restartTuned?.();
        // the serving path's modules load here: `check`, `ctl` and the config child never load them
        const { run } = await import("./src/cli/run.ts");
        return await run(file, level);
      }
      case "check":
        return await check(requireConfig(values.config, positionals));
      case "ctl":
        return await ctl(values, positionals);
      case "import": {
        const { runImport } = await import("./src/cli/import.ts");
        const r = await runImport(requireConfig(undefined, positionals), values.output);
        await write(process.stdout, r.stdout);
        await write(process.stderr, r.stderr);
        return r.code;
      }
      case "explain": {
        const { runExplain } = await import("./src/cli/explain.ts");
        const r = await runExplain(values, positionals);
        if (r.code === 2) throw new UsageError(r.stderr);
        await write(process.stdout, r.stdout);
        await write(process.stderr, r.stderr);
        return r.code;
      }
      case "schema": {
        const { configJsonSchema } = await import("./src/config/json_schema.ts");
        await write(process.stdout, JSON.stringify(configJsonSchema(), null, 2) + "\n");
        return 0;
      }
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
  const { runOnApi, runOnSocket } = await import("./src/control/ctl.ts");
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
  const result = await loadConfigHere(file);
  if (!result.ok) {
    await printConfigErrors(result.errors);
    return 1;
  }
  if (await refusePermissions(result.config)) return 1;
  await write(process.stdout, "configuration is valid\n");
  return 0;
}

// Deno refusing an operation later (no flag for it) ends the process with one line, not a trace.
process.on("uncaughtException", (e) => {
  const line = permissionMessage(e);
  if (line === undefined) throw e;
  process.stderr.write(`tsproxy: ${line}\n`, () => process.exit(1));
});
process.exit(await main(process.argv.slice(2)));
