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
}

export const corpus: CorpusCase[] = [...headCases, ...bodyCases];
