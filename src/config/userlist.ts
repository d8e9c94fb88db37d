/** Userlists in the config (HAProxy's `userlist` sections): the schema, their checks, and the checked lists rules use. */
import { z } from "zod";
import { userlistProblems } from "../auth/userlist.ts";
import type { CrossIssue } from "./errors.ts";

const userName = z.string().regex(/^[^\s:]+$/, "a user name has no space or colon");
const groupName = z.string().regex(/^[^\s,]+$/, "a group name has no space or comma");

const userSchema = z.strictObject({
  name: userName.describe("The user name, as sent in Basic credentials."),
  password: z.string().optional().meta({
    description:
      "A crypt(3) hash: $6$ (SHA-512) or $5$ (SHA-256), e.g. from `openssl passwd -6`. " +
      "bcrypt ($2y$) is not supported.",
    examples: ["$6$saltsalt$…"],
  }),
  insecurePassword: z.string().optional().describe(
    "The password in clear (HAProxy's insecure-password), instead of password.",
  ),
  groups: z.array(groupName).optional().describe("The groups the user belongs to."),
}).describe("A user (HAProxy's `user NAME password HASH groups G1,G2`).");

export const userlistSchema = z.strictObject({
  users: z.array(userSchema).default([]).describe("The users of the list."),
  groups: z.array(z.strictObject({
    name: groupName.describe("The group's name."),
    users: z.array(userName).optional().describe("Users put in the group."),
  })).optional().describe(
    "Groups (HAProxy's `group NAME users u1,u2`); a group a user names needs no line here.",
  ),
}).describe(
  "A userlist for http_auth(L), http_auth_group(L) and the auth action (HAProxy's `userlist`).",
);

export type UserlistConfig = z.output<typeof userlistSchema>;

/** The problems of every userlist (duplicate names, bcrypt or malformed hashes, unknown group members), by path. */
export function userlistIssues(
  config: { userlists?: Record<string, UserlistConfig> | undefined },
): CrossIssue[] {
  const out: CrossIssue[] = [];
  for (const [name, spec] of Object.entries(config.userlists ?? {})) {
    for (const p of userlistProblems(spec)) {
      out.push({
        path: ["userlists", name, ...p.path],
        message: `userlist "${name}": ${p.message}`,
      });
    }
  }
  return out;
}

export { userlists } from "./userlists.ts";
