/** The config layer's table of contents: load, validate, merge defaults, describe. */
export { type Address, type AddressKind, formatAddress, parseAddress } from "./address.ts";
export { formatDuration, parseDuration } from "./duration.ts";
export { type CompressionConfig, effectiveCompression } from "./compression.ts";
export { parseSize } from "./size.ts";
export {
  type ConfigError,
  type ConfigPath,
  formatConfigError,
  formatPath,
  type LoadResult,
} from "./errors.ts";
export {
  effective,
  type EffectiveBackend,
  effectiveBackend,
  type EffectiveConfig,
  type EffectiveFrontend,
  effectiveFrontend,
} from "./effective.ts";
export { configJsonSchema } from "./json_schema.ts";
export { loadConfigFile, parseConfigText, validateConfig } from "./load.ts";
export type {
  BackendConfig,
  Config,
  ConfigInput,
  FrontendConfig,
  Mode,
  ServerConfig,
} from "./schema.ts";
