/** Cookie persistence settings of a backend, parsed from HAProxy's `cookie NAME insert|rewrite|prefix [indirect] [nocache] ...` line. */

export interface CookiePolicy {
  readonly name: string;
  /**
   * insert: the proxy sets the cookie; rewrite: replaces the value the server set; prefix: prepends
   * the server's value to it; passive (no mode given): the cookie is only read, the server sets it.
   */
  readonly mode: "insert" | "rewrite" | "prefix" | "passive";
  /** No cookie to a client that already has a valid one; insert mode also hides it from servers. */
  readonly indirect: boolean;
  /** Responses carrying an inserted cookie get `Cache-Control: private`. */
  readonly nocache: boolean;
  /** Insert only on responses to POST requests. */
  readonly postonly: boolean;
  /** Keep a cookie of this name the server set itself (insert mode). */
  readonly preserve: boolean;
  readonly httponly: boolean;
  readonly secure: boolean;
  readonly domains: readonly string[];
}

const NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FLAGS = ["indirect", "nocache", "postonly", "preserve", "httponly", "secure"] as const;

/**
 * Parses a `cookie` line's words after the keyword: `SERVERID insert indirect nocache`. Errors
 * name the word; `maxidle`/`maxlife`/`dynamic`/`attr` are refused as not supported yet.
 */
export function parseCookiePolicy(
  text: string,
): { ok: true; value: CookiePolicy } | { ok: false; error: string } {
  const words = text.trim().split(/\s+/).filter((w) => w !== "");
  const name = words[0];
  if (!name || !NAME.test(name)) {
    return { ok: false, error: `expected a cookie name first (got ${JSON.stringify(name ?? "")})` };
  }
  let mode: CookiePolicy["mode"] | undefined;
  const flags = new Set<string>();
  const domains: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w === "insert" || w === "rewrite" || w === "prefix") {
      if (mode) return { ok: false, error: `"${w}" after "${mode}": choose one mode` };
      mode = w;
    } else if ((FLAGS as readonly string[]).includes(w)) flags.add(w);
    else if (w === "domain") {
      const d = words[++i];
      if (!d) return { ok: false, error: `"domain" needs a value` };
      domains.push(d);
    } else {
      const known = ["insert", "rewrite", "prefix", ...FLAGS, "domain"];
      return { ok: false, error: `unknown cookie option "${w}" (known: ${known.join(", ")})` };
    }
  }
  if (!mode) mode = "passive";
  return {
    ok: true,
    value: {
      name,
      mode,
      indirect: flags.has("indirect"),
      nocache: flags.has("nocache"),
      postonly: flags.has("postonly"),
      preserve: flags.has("preserve"),
      httponly: flags.has("httponly"),
      secure: flags.has("secure"),
      domains,
    },
  };
}
