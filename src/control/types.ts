/** The control plane's one contract: every surface (CLI socket, REST API, stats page forms, `tsproxy ctl`) runs HAProxy runtime commands through a CommandRunner. */

/** Who runs a command, for the log line every change writes and for the level it may use. */
export interface Actor {
  /** "cli unix:/run/tsproxy.sock", "api token ops", "api user admin@127.0.0.1", "stats admin@10.0.0.7" … */
  readonly who: string;
  /**
   * HAProxy's stats socket levels: `user` reads non-sensitive data, `operator` also changes
   * non-sensitive state (weights, server states), `admin` everything.
   */
  readonly level: "user" | "operator" | "admin";
}

/**
 * Runs one HAProxy runtime API command line (`set server app/s1 state drain`, `show stat`) and
 * returns HAProxy's answer text: empty or a short message on success, an error message on failure
 * (as HAProxy's CLI does), so that scripts written for HAProxy read it unchanged. Several commands
 * separated by `;` are the caller's to split (the CLI protocol does). Changes are logged with
 * `actor.who`.
 */
export interface CommandRunner {
  run(line: string, actor: Actor): string | Promise<string>;
}
