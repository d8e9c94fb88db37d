/** Every runtime command by its leading words: one line per family. */
import type { Command } from "./context.ts";
import { dynamicCommands } from "./dynamic.ts";
import { limitCommands } from "./limits.ts";
import { reloadCommands } from "./reload.ts";
import { serverCommands } from "./servers.ts";
import { showCommands } from "./show.ts";
import { tableCommandList } from "./table.ts";

/** Stick-table commands: show/set/clear table. */
export const tableCommands: readonly Command[] = tableCommandList;

/** The registry: command families in help order. */
export function allCommands(): readonly Command[] {
  return [
    ...dynamicCommands,
    ...limitCommands,
    ...serverCommands,
    ...showCommands,
    ...tableCommands,
    ...reloadCommands,
  ];
}

/** The command whose words start `words`, the longest such one; null when none. */
export function findCommand(
  commands: readonly Command[],
  words: readonly string[],
): Command | null {
  let best: Command | null = null;
  for (const c of commands) {
    if (c.words.length > words.length) continue;
    if (!c.words.every((w, i) => words[i] === w)) continue;
    if (best === null || c.words.length > best.words.length) best = c;
  }
  return best;
}

const SESSION_HELP: readonly (readonly [string, string])[] = [
  ["help [<command>]", "list matching or all commands"],
  ["prompt", "toggle interactive mode with prompt"],
  ["quit", "disconnect"],
];

/** HAProxy's help text: one "  left : right" line per command the level may run, sorted. */
export function helpText(commands: readonly Command[], may: (c: Command) => boolean): string {
  const line = ([l, r]: readonly [string, string]) => `  ${l.padEnd(39)} : ${r}\n`;
  const body = commands.filter((c) => c.help !== null && may(c)).map((c) => line(c.help!))
    .sort((a, b) => a.localeCompare(b));
  // HAProxy lists the session's own commands last
  for (const h of SESSION_HELP) body.push(line(h));
  return "The following commands are valid at this level:\n" + body.join("");
}
