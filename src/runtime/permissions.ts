/** What the process may touch beyond the network: Deno's permission flags (Bun grants everything). */

/** Whether this process may write to (or connect a unix socket at) `path`: Deno needs --allow-write. */
export function mayWrite(path: string): boolean {
  if (!("Deno" in globalThis)) return true;
  return Deno.permissions.querySync({ name: "write", path }).state === "granted";
}

/**
 * Deno's refusal of an operation the process has no flag for, as one line naming the flag
 * (`Requires write access to "/x", run again with the --allow-write flag`); undefined for
 * any other error.
 */
export function permissionMessage(e: unknown): string | undefined {
  if (!("Deno" in globalThis)) return undefined;
  const refused = e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied;
  if (!refused || !/--allow-\w+/.test(e.message)) return undefined;
  return e.message.split("\n")[0];
}
