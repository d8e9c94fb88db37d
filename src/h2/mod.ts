/** HTTP/2 over bytes (RFC 9113, RFC 7541): frame codec, HPACK, stream states, flow control, the server connection. */
export * from "./errors.ts";
export * from "./frame.ts";
export { FrameReader } from "./frame_reader.ts";
export * from "./frame_writer.ts";
export { HpackDecoder } from "./hpack_decoder.ts";
export { type FieldToEncode, HpackEncoder } from "./hpack_encoder.ts";
export { H2Connection } from "./connection.ts";
export type { H2Event } from "./events.ts";
export { DEFAULT_H2_LIMITS, type H2Limits } from "./limits.ts";
export { H2Glitches } from "./glitches.ts";
export type { CheckedRequest, RequestPseudo } from "./request_check.ts";
