/** Syslog targets named in `global.log`: `udp://HOST:PORT`, `tcp://HOST:PORT`, `unix:///PATH`. */

export type SyslogTarget =
  | { transport: "udp" | "tcp"; host: string; port: number }
  | { transport: "unix"; path: string };

/** Whether `text` names a syslog target (a URL with one of our schemes) rather than stdout, stderr, none or a file. */
export function isSyslogTarget(text: string): boolean {
  return /^(udp|tcp|unix):\/\//.test(text);
}

/** Reads a target; throws a TypeError saying what is wrong with `text`. UDP's port defaults to 514. */
export function parseSyslogTarget(text: string): SyslogTarget {
  if (text.startsWith("unix://")) {
    const path = text.slice("unix://".length);
    if (!path.startsWith("/")) {
      throw new TypeError(
        `Syslog target "${text}": a unix socket needs an absolute path (unix:///dev/log)`,
      );
    }
    return { transport: "unix", path };
  }
  const m = /^(udp|tcp):\/\/(\[[0-9a-fA-F:.]+\]|[^:/\s[\]]+)(?::(\d+))?$/.exec(text);
  if (m === null) {
    throw new TypeError(
      `Syslog target "${text}": expected udp://HOST:PORT, tcp://HOST:PORT or unix:///PATH`,
    );
  }
  const transport = m[1] as "udp" | "tcp";
  const host = m[2]!.replace(/^\[|\]$/g, "");
  if (m[3] === undefined && transport === "tcp") {
    throw new TypeError(`Syslog target "${text}": tcp needs a port (tcp://HOST:PORT)`);
  }
  const port = m[3] === undefined ? 514 : Number(m[3]);
  if (port < 1 || port > 65535) {
    throw new TypeError(`Syslog target "${text}": port ${port} is out of range 1-65535`);
  }
  return { transport, host, port };
}
