/**
 * Checks of one HTTP/1 case against the pure codec: no exception escapes HeadReader, parseRequestHead,
 * requestFraming or ChunkedParser; the verdict and messages do not depend on chunking; every accepted
 * head serializes to bytes the parser reads back as the same request (what the proxy forwards).
 */
import { requestFraming } from "../../src/http1/framing.ts";
import { HeadReader } from "../../src/http1/head_reader.ts";
import { parseRequestHead } from "../../src/http1/parse.ts";
import { serializeRequestHead } from "../../src/http1/serialize.ts";
import { DEFAULT_LIMITS, type RequestHead } from "../../src/http1/types.ts";
import { drive, type Message, type Outcome } from "../unit/http1/drive.ts";
import { concat } from "./mutate.ts";

const VERDICTS = new Set(["ok", "incomplete", 400, 413, 414, 431, 501, 505]);

function summary(o: Outcome): string {
  const msgs = o.messages.map((m: Message) => {
    const h = m.head as RequestHead;
    return `${h.method} ${h.target} ${JSON.stringify(m.framing)} ${m.dataLength} ${m.complete}`;
  });
  return `${o.verdict} [${msgs.join("; ")}]`;
}

/** The request heads and framing the codec reads from a forwarded head; throws what is wrong. */
function reread(head: RequestHead): string {
  const bytes = serializeRequestHead(head);
  const step = new HeadReader(DEFAULT_LIMITS).push(bytes);
  if (step.state !== "head") throw new Error(`serialized head not read back whole (${step.state})`);
  if (step.rest.length !== 0) {
    throw new Error(`${step.rest.length} bytes after the serialized head`);
  }
  const parsed = parseRequestHead(step.head, { ...DEFAULT_LIMITS, maxHead: 1 << 20 });
  if (!parsed.ok) throw new Error(`serialized head refused: ${parsed.rejection.reason}`);
  const a = requestFraming(head), b = requestFraming(parsed.head);
  const fields = (h: RequestHead) => h.headers.map((f) => `${f.name}:${f.value}`).join("|");
  const was = `${head.method} ${head.target} ${fields(head)} ${JSON.stringify(a)}`;
  const now = `${parsed.head.method} ${parsed.head.target} ${fields(parsed.head)} ${
    JSON.stringify(b)
  }`;
  if (was !== now) throw new Error(`serialized head reads differently:\n  ${was}\n  ${now}`);
  return now;
}

/** Problems found with one case (empty: none). */
export function checkH1(chunks: Uint8Array[]): string[] {
  const problems: string[] = [];
  let whole: Outcome, split: Outcome;
  try {
    whole = drive("request", [concat(chunks)]);
    split = drive("request", chunks);
  } catch (err) {
    return [`exception escaped the HTTP/1 codec: ${(err as Error).stack ?? err}`];
  }
  if (!VERDICTS.has(whole.verdict)) problems.push(`unexpected verdict ${whole.verdict}`);
  if (summary(whole) !== summary(split)) {
    problems.push(
      `chunking changes the outcome:\n  whole: ${summary(whole)}\n  split: ${summary(split)}`,
    );
  }
  for (const m of whole.messages) {
    try {
      reread(m.head as RequestHead);
    } catch (err) {
      problems.push(`accepted head does not round-trip: ${(err as Error).message}`);
    }
  }
  return problems;
}
