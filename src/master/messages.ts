/** The JSON messages a master and its workers exchange over IPC. */

/** A worker says it serves (the binary upgrade's ready message, reused). */
export const READY = "tsproxy-ready";

/** Master → worker: run a runtime command line on this worker alone, at `level`. */
export interface CommandMessage {
  readonly tsproxy: "command";
  readonly id: number;
  readonly line: string;
  readonly who: string;
  readonly level: "user" | "operator" | "admin";
}

/** Master → worker: read the config file again (an in-process reload); answered with its report. */
export interface ReloadMessage {
  readonly tsproxy: "reload";
  readonly id: number;
}

/** Worker → master: run a command line on every worker (the worker's API got it); answered. */
export interface ForwardMessage {
  readonly tsproxy: "forward";
  readonly id: number;
  readonly line: string;
  readonly who: string;
  readonly level: "user" | "operator" | "admin";
}

/** Master → worker: this worker's stats views as plain data (`viewData`); answered with them. */
export interface ViewMessage {
  readonly tsproxy: "view";
  readonly id: number;
}

/** Worker → master: every worker's stats views (its stats page or /metrics shows the totals); answered with the list. */
export interface ViewsMessage {
  readonly tsproxy: "views";
  readonly id: number;
}

/** Either way: the answer to a request with the same `id`. */
export interface AnswerMessage {
  readonly tsproxy: "answer";
  readonly id: number;
  readonly value: unknown;
}

export type ToWorker = CommandMessage | ReloadMessage | ViewMessage | AnswerMessage;
export type FromWorker =
  | ForwardMessage
  | ViewsMessage
  | AnswerMessage
  | { readonly tsproxy: typeof READY };
/** What a worker asks the master for: a command line on every worker, or every worker's views. */
export type WorkerRequest = ForwardMessage | ViewsMessage;

/** The `tsproxy` tag of a message, or undefined for anything else. */
export function tagOf(message: unknown): string | undefined {
  const t = (message as { tsproxy?: unknown } | null)?.tsproxy;
  return typeof t === "string" ? t : undefined;
}
