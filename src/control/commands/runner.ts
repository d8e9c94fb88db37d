/** The CommandRunner: splits a command line into words, finds its handler in the registry, checks the level, logs changes. */
import { getLogger } from "@logtape/logtape";
import type { Actor, CommandRunner } from "../types.ts";
import { allowed, type Command, type ControlContext, PERMISSION_DENIED } from "./context.ts";
import { allCommands, findCommand, helpText } from "./registry.ts";

const log = getLogger(["tsproxy", "control"]);

/** Splits a command line into words as HAProxy's CLI does: spaces separate, `\` escapes the next character. */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let cur = "", inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "\\" && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (c === " " || c === "\t") {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/**
 * Runs HAProxy runtime commands against `ctx`: the answer texts are HAProxy's, so scripts written
 * for its stats socket read them unchanged. One command per call (the surfaces split `;`).
 */
export class Runner implements CommandRunner {
  readonly #ctx: ControlContext;
  readonly #commands: readonly Command[];

  constructor(ctx: ControlContext, commands: readonly Command[] = allCommands()) {
    this.#ctx = ctx;
    this.#commands = commands;
  }

  run(line: string, actor: Actor): string | Promise<string> {
    const words = splitWords(line);
    if (words.length === 0) return "";
    const may = (c: Command) => allowed(actor.level, c.level);
    if (words[0] === "help") return helpText(this.#commands, may);
    const cmd = findCommand(this.#commands, words);
    if (cmd === null) {
      return "Unknown command, but maybe one of the following ones is a better match:\n" +
        helpText(this.#commands, may).split("\n").slice(1).join("\n");
    }
    if (!may(cmd)) return PERMISSION_DENIED;
    const answer = cmd.run(words.slice(cmd.words.length), this.#ctx, actor);
    if (!cmd.changes) return answer;
    const note = (a: string) => {
      log.info`${actor.who}: ${line.trim()}${a ? ` -> ${a.trim()}` : ""}`;
      return a;
    };
    return typeof answer === "string" ? note(answer) : answer.then(note);
  }
}
