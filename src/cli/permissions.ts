/** The Deno permissions a checked config needs beyond the usual flags, said before anything opens. */
import type { Config } from "../config/mod.ts";
import { mayWrite } from "../runtime/mod.ts";

const STREAMS = new Set(["stdout", "stderr", "none"]);

/**
 * One line per file or unix socket the config writes that this process may not (Deno without
 * `--allow-write`): `global.log /var/log/x.log: Deno needs --allow-write to write it`.
 */
export function missingPermissions(config: Config): string[] {
  const out: string[] = [];
  const need = (where: string, path: string, what: string) => {
    if (!mayWrite(path)) out.push(`${where} ${path}: Deno needs --allow-write to ${what}`);
  };
  const log = config.global.log;
  if (log.startsWith("unix://")) need("global.log", log.slice("unix://".length), "connect to it");
  else if (!STREAMS.has(log) && !/^(udp|tcp):\/\//.test(log)) need("global.log", log, "write it");
  const socket = config.global.statsSocket;
  if (socket?.path !== undefined) need("global.statsSocket.path", socket.path, "listen on it");
  return out;
}
