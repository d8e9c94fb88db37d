/** A differential test's haproxy.cfg run by haproxy or, in its place, by tsproxy on the same file (`tsproxy run -c haproxy.cfg`). */
import { importHaproxyCfg } from "../../../src/import/mod.ts";
import { startHaproxyConfig } from "./haproxy.ts";
import { type ProxyRuntime, startProxy } from "./proxy.ts";

/**
 * Who runs a haproxy.cfg: `haproxy`, or `import`: tsproxy (on Bun) on the very same text, converted
 * by the importer as `tsproxy run -c haproxy.cfg` does.
 */
export type CfgRunner = "haproxy" | "import";

/** Both runners, haproxy first: the differential tests' import variants loop over this. */
export const CFG_RUNNERS: readonly CfgRunner[] = ["haproxy", "import"];

/** What a started runner offers the test: its bind ports in order, its output, a stop. */
export interface RunningCfg {
  readonly runner: CfgRunner;
  /** The port of each bind, in the order `render` wrote them. */
  readonly ports: number[];
  /** The first port. */
  readonly port: number;
  output(): string;
  stop(): Promise<unknown>;
}

/**
 * Throws, naming each line, when the importer did not convert all of `cfg` (lines it ignores,
 * such as `nbthread`, are fine): a differential run on an imported config must lose nothing.
 */
export function assertImportsCompletely(cfg: string, what: string): void {
  const lost = importHaproxyCfg(cfg).issues.filter((i) => !i.ignored);
  if (lost.length === 0) return;
  const lines = lost.map((i) => `  line ${i.line}: ${i.reason}`).join("\n");
  throw new Error(`${what}: the importer did not convert:\n${lines}\n--- haproxy.cfg ---\n${cfg}`);
}

/**
 * tsproxy on a haproxy.cfg: `render` gets port 0 for each of its `count` binds (tsproxy reports
 * the ports it got, in bind order); the text must import completely, then `tsproxy run -c
 * haproxy.cfg` converts and checks it as a user's file.
 */
export async function startImported(
  count: number,
  render: (ports: number[]) => string,
  rt: ProxyRuntime = "bun",
): Promise<RunningCfg> {
  const cfg = render(Array.from({ length: count }, () => 0));
  assertImportsCompletely(cfg, "startImported");
  const proxy = await startProxy(rt, cfg, count, {}, "haproxy.cfg");
  return {
    runner: "import",
    ports: proxy.ports,
    port: proxy.ports[0]!,
    output: proxy.output,
    stop: proxy.stop,
  };
}

/** Runs a haproxy.cfg with `runner`: haproxy as the reference, or tsproxy on it imported. */
export async function startCfg(
  runner: CfgRunner,
  count: number,
  render: (ports: number[]) => string,
): Promise<RunningCfg> {
  if (runner === "import") return await startImported(count, render);
  const h = await startHaproxyConfig(count, render);
  return { runner, ports: h.ports, port: h.port, output: h.output, stop: h.stop };
}
