/** Starts a real rsyslogd for end-to-end tests: its own config, loopback UDP and TCP ports (probed free, below 32768), messages written to a file. */
import { type ChildProcess, spawn } from "node:child_process";
import dgram from "node:dgram";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sleep } from "./net.ts";

const RSYSLOGD = ["/usr/sbin/rsyslogd", "/usr/bin/rsyslogd"].find((p) => existsSync(p));

/** One message as rsyslog parsed it. */
export interface SyslogLine {
  pri: number;
  hostname: string;
  app: string;
  procid: string;
  msg: string;
}

export interface Rsyslog {
  readonly udpPort: number;
  readonly tcpPort: number;
  /** Messages received so far (the readiness probes left out). */
  lines(): SyslogLine[];
  /** Stops rsyslogd; its file (and `lines()`) stays until {@link remove}. */
  stop(): Promise<void>;
  /** Stops rsyslogd if running and deletes its directory. */
  remove(): Promise<void>;
}

async function free(port: number): Promise<boolean> {
  const tcp = await new Promise<boolean>((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
  if (!tcp) return false;
  return new Promise<boolean>((resolve) => {
    const u = dgram.createSocket("udp4");
    u.once("error", () => resolve(false));
    u.bind(port, "127.0.0.1", () => u.close(() => resolve(true)));
  });
}

/** Two consecutive ports free for both UDP and TCP, from a random start in 20000-32000. */
async function freePorts(): Promise<[number, number]> {
  for (let i = 0; i < 200; i++) {
    const p = 20000 + Math.floor(Math.random() * 12000);
    if (await free(p) && await free(p + 1)) return [p, p + 1];
  }
  throw new Error("no two free ports found in 20000-32001");
}

/** Starts rsyslogd in the foreground on two loopback ports; resolves once UDP and TCP both deliver. */
export async function startRsyslog(): Promise<Rsyslog> {
  if (RSYSLOGD === undefined) throw new Error("rsyslogd is missing: apt-get install -y rsyslog");
  const dir = mkdtempSync(join(tmpdir(), "tsproxy-rsyslog-"));
  const out = join(dir, "out.log");
  const [udpPort, tcpPort] = await freePorts();
  writeFileSync(
    join(dir, "rsyslog.conf"),
    `global(workDirectory="${dir}")
module(load="imudp")
module(load="imtcp")
input(type="imudp" address="127.0.0.1" port="${udpPort}")
input(type="imtcp" address="127.0.0.1" port="${tcpPort}")
template(name="fields" type="string" string="%pri%|%hostname%|%app-name%|%procid%|%msg%\\n")
*.* action(type="omfile" file="${out}" template="fields")
`,
  );
  const proc: ChildProcess = spawn(
    RSYSLOGD,
    ["-n", "-f", join(dir, "rsyslog.conf"), "-i", join(dir, "rsyslogd.pid")],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  const read = () => (existsSync(out) ? readFileSync(out, "utf8") : "");
  const udp = dgram.createSocket("udp4");
  try {
    const deadline = Date.now() + 10_000;
    let tcpUp = false;
    while (!(read().includes("probe-udp") && tcpUp)) {
      if (Date.now() > deadline) throw new Error(`rsyslogd did not start in 10s:\n${read()}`);
      udp.send("<14>1 - - probe-udp - - -", udpPort, "127.0.0.1");
      if (!tcpUp) {
        tcpUp = await new Promise<boolean>((resolve) => {
          const c = net.connect(tcpPort, "127.0.0.1", () => {
            c.end("21 <14>1 - - probe-tcp -");
            resolve(true);
          });
          c.once("error", () => resolve(false));
        });
      }
      await sleep(50);
    }
  } catch (err) {
    proc.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw err;
  } finally {
    udp.close();
  }
  async function stop(): Promise<void> {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill("SIGTERM");
      const t = setTimeout(() => proc.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(t);
    }
  }
  return {
    udpPort,
    tcpPort,
    lines: () =>
      read().split("\n").filter((l) => l !== "" && !l.includes("probe-")).map((l) => {
        const [pri, hostname, app, procid, ...msg] = l.split("|");
        return {
          pri: Number(pri),
          hostname: hostname!,
          app: app!,
          procid: procid!,
          msg: msg.join("|").trim(),
        };
      }),
    stop,
    async remove() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
