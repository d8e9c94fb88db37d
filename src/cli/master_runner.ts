/** The master's CommandRunner: runs a command line on every worker and merges their answers (`show stat`, `show info`), reloads them one by one, and answers `show proc` itself. */
import process from "node:process";
import { type Actor, type CommandRunner, splitWords } from "../control/mod.ts";
import type { Master } from "../master/master.ts";
import { mergeCsv, mergeInfo } from "../stats/render/mod.ts";
import type { UpgradeOutcome } from "../master/upgrade.ts";

const LEVELS = { user: 0, operator: 1, admin: 2 } as const;

interface ReloadAnswer {
  ok: boolean;
  changes: string[];
  errors: string[];
}

/** Runs commands for the stats socket of a master (and for workers' APIs, which forward here). */
export class MasterRunner implements CommandRunner {
  readonly #master: Master;
  /** What `upgrade` runs (set once the master serves); null: not available. */
  upgrade: (() => Promise<UpgradeOutcome>) | null = null;
  /** Checked before workers reload: why the new config cannot be reloaded here (null: it can). */
  refuseReload: () => Promise<string | null> = () => Promise.resolve(null);

  constructor(master: Master) {
    this.#master = master;
  }

  async run(line: string, actor: Actor): Promise<string> {
    const words = splitWords(line);
    const [w0, w1] = words;
    if (w0 === undefined) return "";
    const admin = LEVELS[actor.level] >= LEVELS.admin;
    if (w0 === "reload" && words.length === 1) {
      return admin ? await this.#reload() : "Permission denied\n";
    }
    if (w0 === "upgrade" && words.length === 1) {
      if (!admin) return "Permission denied\n";
      if (this.upgrade === null) return "Upgrade is not available here.\n";
      const r = await this.upgrade();
      const why = r.ok ? `new master ${r.pid} serves; this one and its workers drain` : r.reason;
      return `Success=${r.ok ? 1 : 0}\n--\n${why}\n`;
    }
    if (w0 === "show" && w1 === "proc") return this.#showProc();
    const answers = await this.#all(line, actor);
    if (answers.length === 0) return "No worker is serving now.\n";
    const texts = answers.map((a) => a.text);
    if (w0 === "show" && w1 === "stat" && !words.includes("typed") && !words.includes("json")) {
      return mergeCsv(texts);
    }
    if (w0 === "show" && w1 === "info") return mergeInfo(texts, process.pid);
    if (w0 === "help") {
      return texts[0]! + "  show proc                               : list the workers (master)\n";
    }
    // every worker ran it: one answer when they agree, else each worker's under its name
    if (texts.every((t) => t === texts[0])) return texts[0]!;
    return answers.map((a) => `# worker ${a.index} (pid ${a.pid})\n${a.text}`).join("");
  }

  async #all(line: string, actor: Actor): Promise<{ index: number; pid: number; text: string }[]> {
    const pids = new Map(this.#master.workers.map((w) => [w.index, w.pid ?? 0]));
    const r = await this.#master.askAll((id) => ({
      tsproxy: "command",
      id,
      line,
      who: actor.who,
      level: actor.level,
    }));
    return r.filter((a) => typeof a.value === "string").map((a) => ({
      index: a.index,
      pid: pids.get(a.index) ?? 0,
      text: a.value as string,
    }));
  }

  async #reload(): Promise<string> {
    const refused = await this.#refuse();
    if (refused !== null) return `Success=0\n--\n${refused}\n`;
    const reports = await this.#master.reload();
    const lines: string[] = [];
    let ok = reports.length > 0;
    for (const { index, value } of reports) {
      const r = value as ReloadAnswer | undefined;
      if (!r) {
        ok = false;
        lines.push(`worker ${index}: no answer (it restarts with the config file as it is)`);
        continue;
      }
      ok &&= r.ok;
      for (const l of r.ok ? r.changes : r.errors) lines.push(`worker ${index}: ${l}`);
    }
    if (reports.length === 0) lines.push("no worker is serving now");
    return `Success=${ok ? 1 : 0}\n--\n${lines.map((l) => l + "\n").join("")}`;
  }

  async #refuse(): Promise<string | null> {
    try {
      return await this.refuseReload();
    } catch (err) {
      return (err as Error).message;
    }
  }

  #showProc(): string {
    let out = "#<PID>          <type>          <relative PID>  <restarts> <ready>\n";
    out += `${process.pid}`.padEnd(16) + "master".padEnd(16) + "0".padEnd(16) + "0\n";
    for (const w of this.#master.workers) {
      out += `${w.pid ?? "-"}`.padEnd(16) + "worker".padEnd(16) + `${w.index + 1}`.padEnd(16) +
        `${w.restarts}`.padEnd(11) + (w.ready ? "yes" : "no") + "\n";
    }
    return out;
  }
}
