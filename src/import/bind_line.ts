/** `bind ADDR[,ADDR...] [params]` → tsproxy bind entries (a string, or an object with tls). */
import { address } from "./values.ts";

export interface ParsedBind {
  binds: unknown[];
  problems: string[];
}

const TLS_VERSIONS: Record<string, string> = {
  TLSv1: "TLSv1",
  "TLSv1.0": "TLSv1",
  "TLSv1.1": "TLSv1.1",
  "TLSv1.2": "TLSv1.2",
  "TLSv1.3": "TLSv1.3",
};

/** Parameters that change nothing tsproxy does. */
const IGNORED_WITH_VALUE = new Set(["name", "process", "thread", "id", "nice", "tcp-ut"]);
const IGNORED_FLAGS = new Set(["v4v6", "v6only", "transparent", "defer-accept", "tfo"]);

export function parseBind(words: string[]): ParsedBind {
  const problems: string[] = [];
  const addrs: string[] = [];
  for (const a of (words[1] ?? "").split(",").filter(Boolean)) {
    const parsed = address(a);
    if (parsed === undefined) problems.push(`address "${a}": tsproxy binds host:port only`);
    else addrs.push(parsed);
  }
  if (words[1] === undefined) problems.push("expects an address");
  let acceptProxy = false, ssl = false, protoH2 = false;
  const tls: Record<string, unknown> = {};
  const certificates: string[] = [];
  const params = words.slice(2);
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    const value = () => params[++i];
    switch (p) {
      case "accept-proxy":
        acceptProxy = true;
        break;
      case "ssl":
        ssl = true;
        break;
      case "crt":
        certificates.push(value() ?? "");
        break;
      case "alpn":
        tls.alpn = (value() ?? "").split(",");
        break;
      case "ca-file":
        tls.caFile = value();
        break;
      case "verify":
        tls.verify = value();
        break;
      case "proto": {
        // every clear HTTP bind of tsproxy takes HTTP/2 with prior knowledge (the h2c preface)
        // besides HTTP/1.x; HAProxy's `proto h2` takes HTTP/2 only
        const v = value();
        if (v === "h2") protoH2 = true;
        else problems.push(`proto ${v ?? ""}: tsproxy has h2 (prior knowledge) only`);
        break;
      }
      case "strict-sni":
        tls.strictSni = true;
        break;
      case "ciphers":
        tls.ciphers = value();
        break;
      case "ssl-min-ver":
      case "ssl-max-ver": {
        const v = TLS_VERSIONS[value() ?? ""];
        if (v === undefined) problems.push(`${p}: unknown version "${params[i]}"`);
        else tls[p === "ssl-min-ver" ? "minVersion" : "maxVersion"] = v;
        break;
      }
      default:
        if (IGNORED_WITH_VALUE.has(p)) i++;
        else if (!IGNORED_FLAGS.has(p)) problems.push(`${p}: no such bind setting in tsproxy`);
    }
  }
  if (ssl && certificates.length === 0) problems.push("ssl: needs crt (a PEM file)");
  if (!ssl && certificates.length > 0) problems.push("crt without ssl");
  if (ssl) tls.certificates = certificates;
  if (ssl && protoH2) problems.push("proto h2 with ssl: tsproxy speaks HTTP/2 over TLS by ALPN h2");
  const binds = addrs.map((a) => {
    if (!acceptProxy && !ssl) return a;
    return { address: a, ...(acceptProxy ? { acceptProxy } : {}), ...(ssl ? { tls } : {}) };
  });
  return { binds, problems };
}
