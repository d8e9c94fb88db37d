/** The quickstart: two demo HTTP origins on :8081/:8082 and tsproxy on examples/quickstart.yaml, stopped by Ctrl-C. */
import { createServer, type Server } from "node:http";
import { configureLogging } from "../src/log/setup.ts";
import { getLogger } from "@logtape/logtape";
import { flushLogging, formatConfigError, getRuntime, loadConfigFile, startProxy } from "../mod.ts";

const file = new URL("../examples/quickstart.yaml", import.meta.url).pathname;
await configureLogging({ level: "info", access: "stdout" });
const log = getLogger(["tsproxy", "quickstart"]);

function origin(name: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    res.setHeader("content-type", "text/plain");
    const xff = req.headers["x-forwarded-for"] ?? "-";
    res.end(
      `hello from ${name} (port ${port}): ${req.method} ${req.url} (x-forwarded-for: ${xff})\n`,
    );
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

const loaded = await loadConfigFile(file);
if (!loaded.ok) {
  for (const e of loaded.errors) console.error(formatConfigError(e));
  throw new Error(`${file} is not valid`);
}
const origins = [await origin("origin_a", 8081), await origin("origin_b", 8082)];
const runtime = await getRuntime();
const proxy = await startProxy(loaded.config, runtime);
for (const b of proxy.binds) log.info(`frontend ${b.frontend} listening on ${b.host}:${b.port}`);
log.info(
  "try: curl localhost:8080 (twice: the answers alternate between origin_a and origin_b); Ctrl-C stops",
);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  log.info("stopping");
  await proxy.shutdown();
  for (const o of origins) o.closeAllConnections(), o.close();
  for (const off of offs) off();
  log.info("stopped");
  await flushLogging(); // the log sink's flush timer would keep the process alive
};
const offs = [runtime.onSignal("SIGINT", stop), runtime.onSignal("SIGTERM", stop)];
