/**
 * tsproxy: an HAProxy-class TCP/HTTP proxy and load balancer; one codebase for Deno and Bun alike.
 *
 * Load a config (YAML, JSON or a TypeScript module written with {@link defineConfig}), then
 * start the proxy on the runtime you are on.
 *
 * @example
 * ```ts
 * import { formatConfigError, getRuntime, loadConfigFile, startProxy } from "./mod.ts";
 *
 * const result = await loadConfigFile("tsproxy.yaml");
 * if (!result.ok) throw new Error(result.errors.map(formatConfigError).join("\n"));
 * const proxy = await startProxy(result.config, await getRuntime());
 * for (const b of proxy.binds) console.log(`${b.frontend} on ${b.host}:${b.port}`);
 * await proxy.shutdown();
 * ```
 *
 * @module
 */
import type { ConfigInput } from "./src/config/mod.ts";

export {
  type Address,
  type BackendConfig,
  type Config,
  type ConfigError,
  type ConfigInput,
  configJsonSchema,
  effective,
  type EffectiveBackend,
  type EffectiveConfig,
  type EffectiveFrontend,
  formatConfigError,
  type FrontendConfig,
  loadConfigFile,
  type LoadResult,
  type Mode,
  parseConfigText,
  type ServerConfig,
  validateConfig,
} from "./src/config/mod.ts";
export { configureLogging, flushLogging, type LogLevel } from "./src/log/setup.ts";
export { type ProxyHandle } from "./src/proxy/proxy.ts";
export { startProxy } from "./src/plan/mod.ts";
export {
  type ConnectOptions,
  getRuntime,
  type Listener,
  type ListenOptions,
  type Runtime,
  type SignalName,
  type Socket,
  type SocketHandlers,
  type TlsConnectOptions,
  type TlsInfo,
  type TlsListener,
  type TlsListenOptions,
} from "./src/runtime/mod.ts";
export { ProcessCounters } from "./src/stats/counters.ts";
export { type MetricRow, METRICS, prometheusName, rowsFor } from "./src/stats/table.ts";
export { readRows, type Sample, snapshot, type StatLine } from "./src/stats/snapshot.ts";
export { VERSION } from "./src/version.ts";

/**
 * Types a config written in TypeScript, so editors complete and check it; returns it unchanged.
 * Export it as the module's default and pass the file to `tsproxy run -c`.
 *
 * @example
 * ```ts
 * import { defineConfig } from "./mod.ts";
 *
 * export default defineConfig({
 *   frontends: { web: { bind: ["0.0.0.0:8080"], defaultBackend: "app" } },
 *   backends: { app: { servers: [{ name: "a1", address: "10.0.0.5:8080" }] } },
 * });
 * ```
 */
export function defineConfig(input: ConfigInput): ConfigInput {
  return input;
}
