/** After schema errors, the parts of a config that are valid on their own, so the cross-checks can still run on them. */
import type { z } from "zod";
import type { ConfigPath } from "./errors.ts";
import type { KeyHint } from "./issues.ts";
import { type Config, configSchema } from "./schema.ts";

type Issue = z.core.$ZodIssue;
type Raw = Record<string, unknown>;

/** A config made of the valid parts, and the backends left out (name → server names). */
export interface Salvaged {
  config: Config;
  unchecked: Map<string, readonly string[]>;
}

/**
 * Keys whose loss would make the cross-checks report noise: a section missing one of these (or
 * holding an unknown key meant as one, like `default_backend`) is left out instead of trimmed.
 * Without `backends` or `defaults` (mode, balance) nothing can be checked.
 */
const NEEDED = {
  root: ["backends", "defaults"],
  defaults: ["mode", "balance", "hashType", "hashBalanceFactor"],
  frontend: ["bind", "mode", "defaultBackend", "acl"],
  backend: ["mode", "servers", "balance", "hashType", "hashBalanceFactor", "acl"],
};

function isMapping(value: unknown): value is Raw {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The keys of the mapping at `at` to drop for the issues under it, with the keys they stand
 * for (an unknown key also stands for the key it was meant as); null when the mapping itself is
 * wrong (not a mapping, a bad name). `shallow`: only issues about the keys themselves count
 * (the root, whose sections are trimmed one by one).
 */
function badKeys(issues: readonly Issue[], at: ConfigPath, hint: KeyHint, shallow: boolean) {
  const drop = new Set<string>();
  const meant = new Set<string>();
  for (const issue of issues) {
    if (!at.every((segment, i) => issue.path[i] === segment)) continue;
    if (shallow && issue.path.length > at.length + 1) continue;
    if (issue.path.length > at.length) {
      const key = String(issue.path[at.length]);
      drop.add(key);
      meant.add(key);
    } else if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        drop.add(key);
        meant.add(hint(at, key) ?? key);
      }
    } else if (issue.path.length === at.length) return null;
  }
  return { drop, meant };
}

/** `raw` without its bad keys; undefined when a needed key is among them. */
function trim(
  raw: unknown,
  issues: readonly Issue[],
  at: ConfigPath,
  needed: readonly string[],
  hint: KeyHint,
): Raw | undefined {
  if (raw === undefined) return {};
  const bad = badKeys(issues, at, hint, at.length === 0);
  if (bad === null || !isMapping(raw)) return undefined;
  if (needed.some((k) => bad.meant.has(k))) return undefined;
  return Object.fromEntries(Object.entries(raw).filter(([k]) => !bad.drop.has(k)));
}

function serverNames(backend: unknown): string[] {
  const servers = isMapping(backend) ? backend["servers"] : undefined;
  if (!Array.isArray(servers)) return [];
  return servers.flatMap((s) => isMapping(s) && typeof s["name"] === "string" ? [s["name"]] : []);
}

/**
 * The config `input` would be without the parts `issues` (its schema errors) are about: bad keys
 * dropped where that changes no check, else the whole frontend or backend left out. Undefined
 * when too little is left to check without reporting noise.
 */
export function salvage(
  input: unknown,
  issues: readonly Issue[],
  hint: KeyHint,
): Salvaged | undefined {
  const root = trim(input, issues, [], NEEDED.root, hint);
  if (root === undefined) return undefined;
  const defaults = trim(root["defaults"], issues, ["defaults"], NEEDED.defaults, hint);
  if (defaults === undefined) return undefined;
  const global = trim(root["global"], issues, ["global"], [], hint);
  const frontends: Raw = {};
  const backends: Raw = {};
  const unchecked = new Map<string, readonly string[]>();
  for (const [name, fe] of Object.entries(isMapping(root["frontends"]) ? root["frontends"] : {})) {
    const kept = trim(fe, issues, ["frontends", name], NEEDED.frontend, hint);
    if (kept !== undefined) frontends[name] = kept;
  }
  for (const [name, be] of Object.entries(isMapping(root["backends"]) ? root["backends"] : {})) {
    const kept = trim(be, issues, ["backends", name], NEEDED.backend, hint);
    if (kept !== undefined) backends[name] = kept;
    else unchecked.set(name, serverNames(be));
  }
  const parsed = configSchema.safeParse({ global: global ?? {}, defaults, frontends, backends });
  return parsed.success ? { config: parsed.data, unchecked } : undefined;
}
