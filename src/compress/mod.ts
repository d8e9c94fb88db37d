/**
 * @module
 * HTTP compression offload, the pure core of HAProxy's `compression algo/type/offload/minsize-res`:
 * chooseEncoding() reads the request's Accept-Encoding, requestForOffload() strips it before the
 * request goes to the server (`compression offload`), shouldCompress() decides on the response
 * head, rewriteResponseHead() edits it, and createEncoder() encodes the body as it streams.
 *
 * @example
 * ```ts
 * const algo = chooseEncoding(acceptEncoding, ["br", "gzip"]); // at request time
 * // ... later, with the response head:
 * if (algo && shouldCompress(req, res, { types: ["text/html"], minsize: 256 }).ok) {
 *   const head = rewriteResponseHead(res.headers, algo);
 *   const enc = createEncoder(algo, {}, (bytes) => client.write(bytes));
 * }
 * ```
 */
export * from "./negotiate.ts";
export * from "./policy.ts";
export * from "./encoder.ts";
