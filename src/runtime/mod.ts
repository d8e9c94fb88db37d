/** Picks the adapter for the runtime this process runs on; the rest of the code imports only this. */
import type { Runtime } from "./types.ts";

export * from "./types.ts";

let current: Runtime | undefined;

/** The adapter for the running runtime (Bun or Deno), loaded once. */
export async function getRuntime(): Promise<Runtime> {
  if (current) return current;
  if ("Bun" in globalThis) current = (await import("./bun.ts")).bunRuntime;
  else if ("Deno" in globalThis) current = (await import("./deno.ts")).denoRuntime;
  else throw new Error("tsproxy runs on Deno or Bun; this runtime is neither");
  return current;
}
export { mayWrite, permissionMessage } from "./permissions.ts";
