/** Checks of HTTP/2 toward servers (`proto: h2`, `alpn` with h2): HTTP mode only, no PROXY header on shared connections. */
import type { CrossIssue } from "./errors.ts";
import type { Config, ServerConfig } from "./schema.ts";

/** Whether requests to `s` go as HTTP/2: always (proto h2), after ALPN (alpn lists h2 over TLS), or never. */
export function serverH2(s: ServerConfig): "never" | "always" | "alpn" {
  if (s.proto === "h2") return "always";
  return s.ssl && s.alpn?.some((p) => p.toLowerCase() === "h2") ? "alpn" : "never";
}

/**
 * An HTTP/2 connection carries many clients' requests, so it cannot begin with one client's PROXY
 * header (HAProxy's send-proxy is per connection too); and HTTP/2 is for HTTP backends only.
 */
export function serverH2Issues(config: Config): CrossIssue[] {
  const issues: CrossIssue[] = [];
  for (const [name, be] of Object.entries(config.backends)) {
    const mode = be.mode ?? config.defaults.mode;
    be.servers.forEach((s, i) => {
      const h2 = serverH2(s);
      if (h2 === "never") return;
      const at = ["backends", name, "servers", i];
      const key = s.proto === "h2" ? "proto" : "alpn";
      if (mode === "tcp" && s.proto === "h2") {
        issues.push({
          path: [...at, key],
          message: `proto h2 needs an HTTP backend: backend "${name}" is in TCP mode`,
        });
      }
      if (mode !== "tcp" && (s.sendProxy || s.sendProxyV2)) {
        issues.push({
          path: [...at, s.sendProxyV2 ? "sendProxyV2" : "sendProxy"],
          message: `server "${s.name}" speaks HTTP/2 (${key}): its connections carry many ` +
            "clients' requests and cannot start with one client's PROXY header",
        });
      }
    });
  }
  return issues;
}
