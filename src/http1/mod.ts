/**
 * @module
 * The HTTP/1.1 codec: pure functions and classes over Uint8Array, no sockets. HeadReader gathers a
 * head, parseRequestHead/parseResponseHead check and read it, requestFraming/responseFraming say
 * how its body is delimited, ChunkedParser finds the end of a chunked body, serialize* write heads.
 *
 * @example
 * ```ts
 * const reader = new HeadReader(DEFAULT_LIMITS);
 * const step = reader.push(bytes);
 * if (step.state === "head") {
 *   const parsed = parseRequestHead(step.head, DEFAULT_LIMITS);
 *   if (parsed.ok) console.log(requestFraming(parsed.head));
 * }
 * ```
 */
export * from "./types.ts";
export * from "./head_reader.ts";
export * from "./parse.ts";
export * from "./framing.ts";
export * from "./chunked.ts";
export * from "./serialize.ts";
export * from "./headers.ts";
