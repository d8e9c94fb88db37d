/** The request head `tsproxy explain` is given: a request line and `-H` fields, or a raw request's text. */
import { encodeLatin1 } from "../http1/serialize.ts";

/**
 * The head bytes of `line` (`GET /api/x`, HTTP/1.1 when no version is given) with `fields`
 * (`Host: a.example`). Throws a RangeError naming a malformed argument.
 */
export function requestFromArgs(line: string, fields: readonly string[]): Uint8Array {
  const words = line.trim().split(/\s+/);
  if (words.length < 2 || words.length > 3 || words[0] === "") {
    throw new RangeError(`request "${line}": expected "METHOD TARGET [HTTP/1.x]"`);
  }
  const version = words[2] ?? "HTTP/1.1";
  let head = `${words[0]} ${words[1]} ${version}\r\n`;
  for (const f of fields) {
    const colon = f.indexOf(":");
    if (colon <= 0) throw new RangeError(`header "${f}": expected "Name: value"`);
    head += `${f.slice(0, colon).trim()}: ${f.slice(colon + 1).trim()}\r\n`;
  }
  return encodeLatin1(head + "\r\n");
}

/**
 * The head of a raw request's text: lines ending in LF alone get CRLF, the head ends at the
 * first empty line (one is added when missing); what follows (a body) is left out.
 */
export function requestFromRaw(text: string): Uint8Array {
  const crlf = text.includes("\r\n") ? text : text.replace(/\n/g, "\r\n");
  const end = crlf.indexOf("\r\n\r\n");
  const head = end >= 0
    ? crlf.slice(0, end + 4)
    : crlf.endsWith("\r\n")
    ? crlf + "\r\n"
    : crlf + "\r\n\r\n";
  return encodeLatin1(head);
}
