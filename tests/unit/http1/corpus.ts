/**
 * The malformed/smuggling request corpus: raw requests (latin1, explicit CRLF) and the verdict on the
 * whole input, body included. Shared by the unit, end-to-end and HAProxy differential tests, so it
 * imports no test runner. `note` says why a verdict is what it is where that is a choice.
 */
import { bodyCases } from "./corpus_body.ts";
import { headCases } from "./corpus_head.ts";

export type CorpusVerdict = "ok" | 400 | 413 | 414 | 431 | 501 | 505;

export interface CorpusCase {
  name: string;
  raw: string;
  verdict: CorpusVerdict;
  note?: string;
  /**
   * Bytes before the refusal are valid and may already be streamed to the server when the request
   * comes in several reads (Deno reads an idle connection 2 KiB at a time): the server then gets at
   * most this prefix, never a whole request, and never the bytes that were refused.
   */
  prefixBefore?: number;
}

export const corpus: CorpusCase[] = [...headCases, ...bodyCases];
