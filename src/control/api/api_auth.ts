/** Who calls the API: a bearer token or a Basic user checked against `global.api`, as the Actor commands run with. */
import type { Actor } from "../types.ts";
import { readAuthorization, sameSecret } from "./basic_auth.ts";
import { verifyCrypt } from "../../auth/sha_crypt.ts";

type Level = Actor["level"];

export interface ApiToken {
  readonly name: string;
  readonly token: string;
  readonly level: Level;
}

export interface ApiUser {
  readonly name: string;
  /** A crypt(3) hash (`$5$`, `$6$`) or, with `insecure`, the password itself. */
  readonly password: string;
  readonly insecure: boolean;
  readonly level: Level;
}

/** The accounts the API accepts. */
export interface ApiAccounts {
  readonly tokens: readonly ApiToken[];
  readonly users: readonly ApiUser[];
}

/** The caller as an Actor (`api token ops@127.0.0.1`), or why it is refused (for the log: never the secret). */
export function authenticate(
  accounts: ApiAccounts,
  authorization: string | undefined,
  client: string,
): Actor | { refused: string } {
  const c = readAuthorization(authorization);
  if (c === null) return { refused: authorization ? "malformed credentials" : "no credentials" };
  if (c.kind === "bearer") {
    const t = accounts.tokens.find((t) => sameSecret(t.token, c.token));
    if (t === undefined) return { refused: "wrong token" };
    return { who: `api token ${t.name}@${client}`, level: t.level };
  }
  const u = accounts.users.find((u) => u.name === c.user);
  const ok = u !== undefined &&
    (u.insecure ? sameSecret(u.password, c.password) : verifyCrypt(c.password, u.password));
  if (!ok) return { refused: `wrong password for user "${c.user}"` };
  return { who: `api user ${u.name}@${client}`, level: u.level };
}
