/** A worker's side of the master's IPC channel: runs the master's commands and reloads here, sends its own API's commands to the master (so they reach every worker). */
import { getLogger } from "@logtape/logtape";
import process from "node:process";
import type { CommandRunner } from "../control/mod.ts";
import type { ControlLink, RunningProxy } from "../plan/mod.ts";
import type { ParentChannel } from "../runtime/types.ts";
import { type AnswerMessage, type CommandMessage, tagOf } from "../master/messages.ts";
import { WORKER_ENV } from "../master/master.ts";
import { mergeViews, type ProxyData, viewData } from "../stats/view_data.ts";
import type { ProxyView } from "../stats/views.ts";

/** How long the stats page or /metrics waits for the workers' views before showing this one's. */
const VIEWS_WITHIN_MS = 5_000;

const log = getLogger(["tsproxy", "worker"]);

/** This process's worker number when a master started it (read once, then removed); else null. */
export function workerIndex(): number | null {
  let text: string | undefined;
  try {
    text = process.env[WORKER_ENV];
    delete process.env[WORKER_ENV];
  } catch {
    return null; // Deno without --allow-env: no master started it
  }
  if (text === undefined || !/^\d+$/.test(text)) return null;
  return Number(text);
}

/**
 * Answers the master: `command` runs on this worker's own runner, `reload` reloads this worker.
 * The services' runner (admin API, stats page forms) goes through the master from now on. When
 * the master goes away, `stop` is called (the worker drains).
 */
export function serveMaster(
  parent: ParentChannel,
  handle: RunningProxy,
  link: ControlLink,
  stop: (why: string) => void,
): void {
  const local = handle.control.runner;
  const waiting = new Map<number, (value: unknown) => void>();
  let nextId = 1;
  parent.onMessage((m: unknown) => {
    const tag = tagOf(m);
    if (tag === "command") {
      const c = m as CommandMessage;
      void Promise.resolve(local.run(c.line, { who: c.who, level: c.level })).then(
        (value) => parent.send({ tsproxy: "answer", id: c.id, value }),
        (err: unknown) => parent.send({ tsproxy: "answer", id: c.id, value: String(err) + "\n" }),
      );
    } else if (tag === "reload") {
      const id = (m as { id: number }).id;
      void handle.reload().then((value) => parent.send({ tsproxy: "answer", id, value }));
    } else if (tag === "view") {
      const id = (m as { id: number }).id;
      const p = link.proxy;
      parent.send({ tsproxy: "answer", id, value: p === null ? null : viewData(p) });
    } else if (tag === "answer") {
      const a = m as AnswerMessage;
      waiting.get(a.id)?.(a.value);
      waiting.delete(a.id);
    }
  });
  parent.onDisconnect(() => {
    log.warn("the master is gone: this worker stops");
    stop("the master is gone");
  });
  const viaMaster: CommandRunner = {
    run: (line, actor) =>
      new Promise<string>((resolve) => {
        const id = nextId++;
        waiting.set(id, (v) => resolve(String(v)));
        parent.send({ tsproxy: "forward", id, line, who: actor.who, level: actor.level });
      }),
  };
  link.runner = viaMaster;
  // the stats page and /metrics: every worker's numbers, through the master
  link.gather = () =>
    new Promise<ProxyView>((resolve, reject) => {
      const own = () => (link.proxy ? resolve(link.proxy) : reject(new Error("no proxy yet")));
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        own(); // the master did not answer: this worker's numbers
      }, VIEWS_WITHIN_MS);
      waiting.set(id, (v) => {
        clearTimeout(timer);
        const list = (Array.isArray(v) ? v : []).filter((x) => x !== null) as ProxyData[];
        if (list.length === 0) own();
        else resolve(mergeViews(list));
      });
      parent.send({ tsproxy: "views", id });
    });
}
