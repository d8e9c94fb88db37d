/** Runs a callback once the event loop has delivered the current batch of I/O events (output gathered over many sockets' events, written once). */

/**
 * Bun calls each socket's handler on its own and drains the microtask queue after each one, so a
 * microtask would run before the next socket's event: `setImmediate` runs after the poll's whole
 * batch. Deno resolves a batch of completed reads together and runs the microtasks after all of
 * them, so a microtask already comes after the batch (and its `setImmediate` is a timer).
 */
export const afterIoEvents: (fn: () => void) => void = "Bun" in globalThis
  ? (fn) => void setImmediate(fn)
  : queueMicrotask;
