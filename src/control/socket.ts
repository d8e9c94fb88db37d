/** The CLI socket (HAProxy's stats socket): one command line per connection, or `prompt` for an interactive session. */
import { getLogger } from "@logtape/logtape";
import type { HandedSocket, Listener, Runtime, Socket } from "../runtime/types.ts";
import type { Actor, CommandRunner } from "./types.ts";

const log = getLogger(["tsproxy", "control"]);

/** Where the socket listens and at which level its users run commands (global.statsSocket). */
export interface ControlSocketPlan {
  /** A unix socket path, and its file mode (octal text). */
  readonly path?: string | undefined;
  readonly mode: string;
  /** A TCP "host:port" as well. */
  readonly address?: string | undefined;
  readonly level: Actor["level"];
}

/** Longest command line taken (HAProxy's is a buffer; longer ones close the connection). */
const MAX_LINE = 64 * 1024;

/** Splits a line on unescaped `;` (HAProxy: `\;` keeps a semicolon in an argument). */
export function splitCommands(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "\\" && line[i + 1] === ";") {
      cur += "\\;";
      i++;
    } else if (c === ";") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out.map((c) => c.trim()).filter((c) => c !== "");
}

/**
 * One client of the socket: it reads lines; without `prompt` the first line's commands are answered
 * (each answer followed by an empty line, as HAProxy does) and the connection closes; after
 * `prompt`, each answer ends with an empty line and the prompt "> ", until `quit` or the client's end.
 * `user` and `operator` lower the level for the rest of the connection.
 */
class CliSession {
  readonly #sock: Socket;
  readonly #runner: CommandRunner;
  #actor: Actor;
  #buf = "";
  #interactive = false;
  #busy = false;
  /** The client half-closed; `#closing`: we are closing (or it closed). */
  #ended = false;
  #closing = false;

  constructor(sock: Socket, runner: CommandRunner, actor: Actor) {
    this.#sock = sock;
    this.#runner = runner;
    this.#actor = actor;
    const decoder = new TextDecoder();
    sock.setHandlers({
      data: (chunk) => {
        this.#buf += decoder.decode(chunk, { stream: true });
        if (this.#buf.length > MAX_LINE) return this.#close();
        void this.#drain();
      },
      drain: () => {
        if (this.#closing) this.#sock.close();
      },
      end: () => {
        // the client sent its commands and half-closed (echo ... | socat): answer, then close
        this.#ended = true;
        void this.#drain();
      },
      close: () => {
        this.#closing = true;
      },
    });
  }

  async #drain(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      while (!this.#closing) {
        let nl = this.#buf.indexOf("\n");
        if (nl < 0 && this.#ended) nl = this.#buf.length;
        if (nl < 0) return;
        const line = this.#buf.slice(0, nl).replace(/\r$/, "");
        this.#buf = this.#buf.slice(nl + 1);
        const keepOpen = await this.#line(line);
        if (!keepOpen || (this.#ended && this.#buf === "")) return this.#close();
        if (this.#interactive) this.#write("> ");
      }
    } finally {
      this.#busy = false;
    }
  }

  /** Runs a line's commands; false when the connection should close. */
  async #line(line: string): Promise<boolean> {
    let out = "";
    for (const cmd of splitCommands(line)) {
      if (cmd === "quit") {
        this.#write(out);
        return false;
      }
      if (cmd === "prompt") {
        this.#interactive = !this.#interactive;
        continue;
      }
      if (cmd === "user" || cmd === "operator") {
        if (cmd === "user" || this.#actor.level === "admin") {
          this.#actor = { who: this.#actor.who, level: cmd };
        }
        continue;
      }
      let answer: string;
      try {
        answer = await this.#runner.run(cmd, this.#actor);
      } catch (err) {
        log.error`${this.#actor.who}: "${cmd}" failed: ${(err as Error).message}`;
        answer = `Internal error: ${(err as Error).message}\n`;
      }
      out += answer + "\n";
    }
    this.#write(out);
    return this.#interactive;
  }

  #write(text: string): void {
    if (text !== "" && !this.#closing) this.#sock.write(new TextEncoder().encode(text));
  }

  /** Closes once the answers are written (FIN first, so the client reads them all). */
  #close(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#sock.shutdown();
    if (this.#sock.pending === 0) this.#sock.close();
  }
}

/** The running CLI socket(s); `close()` stops listening (and removes the unix socket file). */
export interface ControlSocket {
  /** Where it listens: the unix path and/or the bound "host:port". */
  readonly addresses: readonly string[];
  /** The TCP listener's socket, for a successor process to take over (the unix one is bound anew). */
  handover(): HandedSocket[];
  close(): void;
}

/** Starts listening as `plan` says; each connection runs commands through `runner`. */
export async function startControlSocket(
  runtime: Runtime,
  plan: ControlSocketPlan,
  runner: CommandRunner,
): Promise<ControlSocket> {
  const listeners: Listener[] = [];
  const addresses: string[] = [];
  const handed: HandedSocket[] = [];
  const serve = (who: string) => (sock: Socket) =>
    new CliSession(sock, runner, { who, level: plan.level });
  try {
    if (plan.path !== undefined) {
      listeners.push(
        await runtime.listenUnix(
          { path: plan.path, mode: plan.mode },
          serve(`cli unix:${plan.path}`),
        ),
      );
      addresses.push(plan.path);
      log.info`stats socket listening on unix:${plan.path}`;
    }
    if (plan.address !== undefined) {
      const i = plan.address.lastIndexOf(":");
      const host = plan.address.slice(0, i).replace(/^\[|\]$/g, "");
      const port = Number(plan.address.slice(i + 1));
      const fd = runtime.inherited.take(host, port); // handed over by the process this one upgraded
      const l = await runtime.listen({ host, port, fd }, serve(`cli ${plan.address}`));
      listeners.push(l);
      if (l.fd !== undefined) handed.push({ host, port, fd: l.fd });
      addresses.push(`${host}:${l.port}`);
      log.info`stats socket listening on ${host}:${l.port}`;
    }
  } catch (err) {
    for (const l of listeners) l.close();
    throw err;
  }
  return {
    addresses,
    handover: () => handed,
    close() {
      for (const l of listeners) l.close();
    },
  };
}
