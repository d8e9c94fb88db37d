/** What a TCP session uses apart from its flow: how it ends other than normally (cause and phase), the inspection buffer. */
import { failure } from "../../failure/failure.ts";
import type { SampleContext } from "../../rules/mod.ts";

/** How a TCP session ends other than normally, by cause and phase (the termination code follows). */
export const ENDS = {
  rejected: failure("proxy", "tcp-request-rules"),
  clientGoneEarly: failure("client-abort", "connect"),
  clientAbort: failure("client-abort", "forward"),
  serverAbort: failure("server-abort", "forward"),
  clientTimeout: failure("client-timeout", "forward"),
  serverTimeout: failure("server-timeout", "forward"),
  killed: failure("killed", "forward"),
  serverDown: failure("server-down", "forward"),
  serverUp: failure("server-up", "forward"),
} as const;

export const EMPTY = new Uint8Array(0);

/** Adds `chunk` to the payload content rules inspect; true (and `final` set) once it holds `max` bytes. */
export function appendPayload(ctx: SampleContext, chunk: Uint8Array, max: number): boolean {
  const held = ctx.payload ?? EMPTY;
  const payload = new Uint8Array(held.length + chunk.length);
  payload.set(held);
  payload.set(chunk, held.length);
  ctx.payload = payload;
  if (payload.length < max) return false;
  ctx.final = true;
  return true;
}
