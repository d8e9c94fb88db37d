/** What the process may touch beyond the network: Deno's permission flags (Bun grants everything). */

/** Whether this process may write to (or connect a unix socket at) `path`: Deno needs --allow-write. */
export function mayWrite(path: string): boolean {
  if (!("Deno" in globalThis)) return true;
  return Deno.permissions.querySync({ name: "write", path }).state === "granted";
}
