/** The `compression` block (HAProxy's `compression algo/type/offload/minsize-res`, plus `level`) and how sections combine. */
import { z } from "zod";
import { type Algo, ALGOS, AVAILABLE_ALGOS } from "../compress/negotiate.ts";
import { LEVELS } from "../compress/encoder.ts";
import { parsing } from "./fields.ts";
import { parseSize } from "./size.ts";

const algo = z.enum(ALGOS as [Algo, ...Algo[]], {
  error: `expected a compression algorithm: ${ALGOS.join(", ")}`,
}).refine(
  (a) => AVAILABLE_ALGOS.includes(a),
  { error: (i) => `"${String(i.input)}" is not available in this runtime's node:zlib` },
);

const mediaType = z.string().regex(
  /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/(\*|[!#$%&'*+.^_`|~0-9A-Za-z-]+)$/,
  "expected a media type such as text/html or text/*",
);

const size = z
  .union([z.string(), z.number()], { error: "expected a size such as 256, 1k or 2m" })
  .transform(parsing(parseSize));

/** Highest level any algorithm takes (zstd's 19): a single number is clamped per algorithm. */
const MAX_LEVEL = Math.max(...Object.values(LEVELS).map((l) => l.max));

function levelOf(a: Algo) {
  const r = LEVELS[a];
  return z.number().int().min(r.min).max(r.max).optional().describe(
    `${a} level, ${r.min}-${r.max} (default ${r.default}).`,
  );
}

const level = z.union([
  z.number().int().min(0).max(MAX_LEVEL),
  z.strictObject({
    gzip: levelOf("gzip"),
    deflate: levelOf("deflate"),
    br: levelOf("br"),
    zstd: levelOf("zstd"),
  }),
]);

const fields = {
  algo: z.array(algo).min(1, "list at least one algorithm")
    .refine((l) => new Set(l).size === l.length, "an algorithm is listed twice")
    .optional().meta({
      description: "Algorithms to compress with, in order of preference (compression algo): the " +
        "client's Accept-Encoding q-values decide, equal q goes to the earlier one. Without algo " +
        "(here or in a section this one falls back on), nothing is compressed.",
      examples: [["br", "gzip"], ["gzip"]],
    }),
  type: z.array(mediaType).optional().meta({
    description: "Media types to compress (compression type), `type/subtype` or `type/*`, " +
      "parameters ignored. Unset: every type but multipart/*, as HAProxy.",
    examples: [["text/html", "text/css", "text/plain", "application/javascript"]],
  }),
  minsize: size.optional().meta({
    description: "Responses whose Content-Length is below this are sent as they are " +
      "(compression minsize-res; default 0). Bodies of unknown length are always compressed.",
    examples: ["1k", 256],
  }),
  level: level.optional().meta({
    description: "Compression level (tune.comp.maxlevel, here per section): one number, clamped " +
      "into each algorithm's range (gzip/deflate 1-9, br 0-11, zstd 1-19), or one per algorithm. " +
      "Defaults: gzip/deflate 1, br 4, zstd 3.",
    examples: [{ gzip: 1, br: 4 }, 6],
  }),
};

const offload = z.boolean().optional().describe(
  "Remove Accept-Encoding from requests toward the servers when the proxy will compress " +
    "(compression offload), so they send identity and the proxy does the work.",
);

const description = "HTTP response compression (HAProxy's compression keywords). A backend's " +
  "setting wins over the frontend's, which wins over defaults, key by key.";

/** `compression` in a frontend or backend. */
export const compressionSchema = z.strictObject({ ...fields, offload }).describe(description);

/** `compression` in defaults: no `offload` (HAProxy ignores it there, with a warning). */
export const defaultsCompressionSchema = z.strictObject({
  ...fields,
  offload: z.never({
    error: "offload is not allowed in defaults (HAProxy ignores it there): set it in a " +
      "frontend or backend",
  }).optional(),
}).describe(description);

export type CompressionConfig = z.output<typeof compressionSchema>;

export { type CompressionSections, effectiveCompression } from "./compression_effective.ts";
