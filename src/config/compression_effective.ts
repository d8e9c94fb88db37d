/** How a frontend compresses one backend's responses, from a checked config (no zod: the serving process reads it). */
import { type Algo, ALGOS } from "../compress/negotiate.ts";
import { LEVELS } from "../compress/encoder.ts";
import type { EffectiveCompression } from "../compress/policy.ts";
import type { CompressionConfig } from "./compression.ts";

/** The parts of a config compression reads (a `Config` is one). */
export interface CompressionSections {
  defaults: { compression?: CompressionConfig | undefined };
  frontends: Record<string, { compression?: CompressionConfig | undefined }>;
  backends: Record<string, { compression?: CompressionConfig | undefined }>;
}

/**
 * How frontend `fe` compresses responses of backend `be`: each key from the backend if it sets it,
 * else the frontend, else defaults. null when no algorithm results (no compression).
 */
export function effectiveCompression(
  config: CompressionSections,
  fe: string,
  be: string,
): EffectiveCompression | null {
  const sections = [
    config.backends[be]?.compression,
    config.frontends[fe]?.compression,
    config.defaults.compression,
  ];
  const pick = <K extends keyof CompressionConfig>(k: K): CompressionConfig[K] => {
    for (const s of sections) if (s?.[k] !== undefined) return s[k];
    return undefined;
  };
  const algos = pick("algo");
  if (algos === undefined || algos.length === 0) return null;
  const level = pick("level");
  const levels = {} as Record<Algo, number>;
  for (const a of ALGOS) {
    const r = LEVELS[a];
    const want = typeof level === "number" ? level : level?.[a];
    levels[a] = want === undefined ? r.default : Math.min(r.max, Math.max(r.min, want));
  }
  return {
    algos: [...algos],
    types: pick("type") ?? [],
    offload: pick("offload") ?? false,
    minsize: pick("minsize") ?? 0,
    levels,
  };
}
