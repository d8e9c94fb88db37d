/** A checked config's userlists as the rules use them (no zod: the serving process builds them). */
import { Userlist } from "../auth/userlist.ts";
import type { UserlistConfig } from "./userlist.ts";

/** The config's userlists, ready for rules (each with its own credential cache). */
export function userlists(
  config: { userlists?: Record<string, UserlistConfig> | undefined },
): Map<string, Userlist> {
  return new Map(Object.entries(config.userlists ?? {}).map(([n, s]) => [n, new Userlist(n, s)]));
}
