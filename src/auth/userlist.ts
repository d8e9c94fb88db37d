/** A userlist (HAProxy's `userlist` section): users with crypt(3) or clear passwords and groups, checked with a bounded cache. */
import { Buffer } from "node:buffer";
import { createHash, timingSafeEqual } from "node:crypto";
import type { BasicCredentials } from "./authorization.ts";
import { Lru } from "./lru.ts";
import { verifyCrypt } from "./sha_crypt.ts";

/** One `user NAME password HASH | insecure-password PW groups G1,G2` line. */
export interface UserSpec {
  readonly name: string;
  /** A crypt(3) hash: `$5$…` or `$6$…`. */
  readonly password?: string | undefined;
  readonly insecurePassword?: string | undefined;
  readonly groups?: readonly string[] | undefined;
}

/** One `group NAME users u1,u2` line. */
export interface GroupSpec {
  readonly name: string;
  readonly users?: readonly string[] | undefined;
}

export interface UserlistSpec {
  readonly users: readonly UserSpec[];
  readonly groups?: readonly GroupSpec[] | undefined;
}

/** Distinct credentials whose verdict is kept: a crypt costs milliseconds, a hit a hash and a lookup. */
export const CREDENTIAL_CACHE_SIZE = 1024;

const SHA_CRYPT = /^\$([56])\$(?:rounds=\d+\$)?[^$]{0,16}\$[./0-9A-Za-z]+$/;
const BCRYPT = /^\$2[abxy]?\$/;

/** Why `hash` cannot be checked (a scheme we lack, a malformed string), or null when it can. */
export function hashProblem(hash: string): string | null {
  if (BCRYPT.test(hash)) {
    return "bcrypt hashes ($2a$, $2b$, $2y$) are not supported (node:crypto has no bcrypt): " +
      "use a $6$ or $5$ hash (openssl passwd -6)";
  }
  const m = SHA_CRYPT.exec(hash);
  if (!m) {
    const scheme = /^\$([^$]*)\$/.exec(hash)?.[1];
    return scheme !== undefined && scheme !== "5" && scheme !== "6"
      ? `crypt scheme "$${scheme}$" is not supported: use a $6$ or $5$ hash (openssl passwd -6)`
      : `"${hash.slice(0, 12)}…" is not a crypt(3) hash ($6$salt$… or $5$salt$…)`;
  }
  const size = m[1] === "6" ? 86 : 43;
  const digest = hash.slice(hash.lastIndexOf("$") + 1);
  return digest.length === size ? null : `the $${m[1]}$ hash must end with ${size} characters`;
}

/** What is wrong with `spec`, each with its path under the userlist (`users.2.password`). */
export function userlistProblems(
  spec: UserlistSpec,
): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const names = new Set<string>();
  spec.users.forEach((u, i) => {
    if (names.has(u.name)) {
      out.push({ path: ["users", i, "name"], message: `user "${u.name}" is declared twice` });
    }
    names.add(u.name);
    if ((u.password === undefined) === (u.insecurePassword === undefined)) {
      out.push({
        path: ["users", i],
        message: `user "${u.name}" needs one of password or insecurePassword`,
      });
    }
    const p = u.password === undefined ? null : hashProblem(u.password);
    if (p !== null) out.push({ path: ["users", i, "password"], message: `user "${u.name}": ${p}` });
  });
  const groups = new Set<string>();
  (spec.groups ?? []).forEach((g, i) => {
    if (groups.has(g.name)) {
      out.push({ path: ["groups", i, "name"], message: `group "${g.name}" is declared twice` });
    }
    groups.add(g.name);
    (g.users ?? []).forEach((u, j) => {
      if (!names.has(u)) {
        out.push({
          path: ["groups", i, "users", j],
          message: `group "${g.name}" names no user "${u}"`,
        });
      }
    });
  });
  return out;
}

interface User {
  /** A crypt hash, or the password itself when `insecure`. */
  readonly secret: string;
  readonly insecure: boolean;
  readonly groups: string[];
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a), y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A checked userlist: `check` answers http_auth, `groupsOf` http_auth_group. */
export class Userlist {
  readonly name: string;
  #users = new Map<string, User>();
  #groups = new Set<string>();
  #verdicts: Lru<string, boolean>;

  /** `spec` must be free of userlistProblems. */
  constructor(name: string, spec: UserlistSpec, cacheSize = CREDENTIAL_CACHE_SIZE) {
    this.name = name;
    this.#verdicts = new Lru(cacheSize);
    for (const u of spec.users) {
      const insecure = u.password === undefined;
      const groups = [...(u.groups ?? [])];
      for (const g of groups) this.#groups.add(g);
      this.#users.set(u.name, { secret: u.password ?? u.insecurePassword ?? "", insecure, groups });
    }
    for (const g of spec.groups ?? []) {
      this.#groups.add(g.name);
      for (const n of g.users ?? []) {
        const u = this.#users.get(n);
        if (u && !u.groups.includes(g.name)) u.groups.push(g.name);
      }
    }
  }

  /** True when the group is declared (by a group line or a user's groups). */
  hasGroup(name: string): boolean {
    return this.#groups.has(name);
  }

  /** Credentials verified so far and kept. */
  get cached(): number {
    return this.#verdicts.length;
  }

  /** True when the user exists and the password is theirs; a crypt runs once per distinct credential. */
  check(c: BasicCredentials): boolean {
    const u = this.#users.get(c.user);
    if (u === undefined) return false;
    if (u.insecure) return sameText(c.password, u.secret);
    // keyed by a digest of what the client sent: no clear password is kept in memory
    const key = createHash("sha256").update(c.encoded).digest("base64");
    let ok = this.#verdicts.get(key);
    if (ok === undefined) this.#verdicts.set(key, ok = verifyCrypt(c.password, u.secret));
    return ok;
  }

  /** The groups of `user` (declared on the user or by group lines). */
  groupsOf(user: string): readonly string[] {
    return this.#users.get(user)?.groups ?? [];
  }
}
