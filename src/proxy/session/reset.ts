/** silent-drop's close: a reset (RST) where the runtime can send one, else a plain close. */
import type { Socket } from "../../runtime/types.ts";

/** Closes `sock` now with nothing more written: a reset where the runtime offers one (Bun), else close (Deno). */
export function resetOrClose(sock: Socket): void {
  if (sock.reset) sock.reset();
  else sock.close();
}
