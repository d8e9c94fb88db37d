/** RESP2 over bytes: commands encoded as arrays of bulk strings, replies parsed incrementally as they arrive. */

/** An error reply (`-ERR ...`): a value, not a throw, so one failed command leaves a pipeline's others. */
export class RespError {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

/** A parsed reply: simple and bulk strings as text, integers, nil, errors, arrays. */
export type RespValue = string | number | null | RespError | RespValue[];

/** A command's words: numbers are written in decimal. */
export type Command = readonly (string | number)[];

const utf8 = new TextEncoder();
const text = new TextDecoder();
const CR = 13, LF = 10;

/**
 * Commands in RESP2 (`*N\r\n$len\r\nword\r\n...`), joined into one buffer so a pipeline is one
 * write.
 *
 * @example
 * ```ts
 * encodeCommands([["HINCRBY", "k", "f", 1]]); // "*4\r\n$7\r\nHINCRBY\r\n$1\r\nk\r\n..."
 * ```
 */
export function encodeCommands(commands: readonly Command[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 0;
  const push = (b: Uint8Array) => {
    parts.push(b);
    size += b.length;
  };
  for (const cmd of commands) {
    push(utf8.encode(`*${cmd.length}\r\n`));
    for (const word of cmd) {
      const b = utf8.encode(String(word));
      push(utf8.encode(`$${b.length}\r\n`));
      push(b);
      push(CRLF);
    }
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const CRLF = new Uint8Array([CR, LF]);
/** Returned by the reader when the buffer ends inside a reply. */
const MORE = Symbol("more");
type Read = RespValue | typeof MORE;

/**
 * An incremental reply parser: `feed` bytes as they come, `next()` yields each complete reply in
 * order (undefined when the rest has not arrived). A reply cut anywhere, even inside `\r\n`, is
 * read again from its start once more bytes came; protocol errors throw a SyntaxError naming the
 * offset and the byte.
 */
export class RespParser {
  #buf: Uint8Array = new Uint8Array(0);
  #pos = 0;
  /** Bytes before this offset are consumed (whole replies); the next reply starts here. */
  #start = 0;

  /** Appends bytes that arrived. */
  feed(chunk: Uint8Array): void {
    if (this.#start === this.#buf.length) {
      this.#buf = chunk;
      this.#start = 0;
      return;
    }
    const rest = this.#buf.subarray(this.#start);
    const joined = new Uint8Array(rest.length + chunk.length);
    joined.set(rest);
    joined.set(chunk, rest.length);
    this.#buf = joined;
    this.#start = 0;
  }

  /** The next complete reply, or undefined when it has not fully arrived. */
  next(): { value: RespValue } | undefined {
    if (this.#start >= this.#buf.length) return undefined;
    this.#pos = this.#start;
    const v = this.#read();
    if (v === MORE) return undefined;
    this.#start = this.#pos;
    return { value: v };
  }

  /** Bytes held that do not make a complete reply yet. */
  get buffered(): number {
    return this.#buf.length - this.#start;
  }

  #read(): Read {
    const buf = this.#buf;
    if (this.#pos >= buf.length) return MORE;
    const at = this.#pos;
    const type = buf[this.#pos++]!;
    const line = this.#line();
    if (line === MORE) return MORE;
    switch (type) {
      case 0x2b: // +
        return line;
      case 0x2d: // -
        return new RespError(line);
      case 0x3a: // :
        return this.#int(line);
      case 0x24: { // $
        const len = this.#int(line);
        if (len < 0) return null;
        if (this.#pos + len + 2 > buf.length) return MORE;
        const s = text.decode(buf.subarray(this.#pos, this.#pos + len));
        this.#pos += len + 2;
        return s;
      }
      case 0x2a: { // *
        const n = this.#int(line);
        if (n < 0) return null;
        const out: RespValue[] = [];
        for (let i = 0; i < n; i++) {
          const v = this.#read();
          if (v === MORE) return MORE;
          out.push(v);
        }
        return out;
      }
      default:
        throw new SyntaxError(
          `RESP: unexpected type byte 0x${type.toString(16)} at offset ${at}`,
        );
    }
  }

  /** The text up to the next CRLF (the position then after it), or MORE. */
  #line(): string | typeof MORE {
    const buf = this.#buf;
    const end = buf.indexOf(LF, this.#pos);
    if (end < 0) return MORE;
    if (end === this.#pos || buf[end - 1] !== CR) {
      throw new SyntaxError(`RESP: LF without CR at offset ${end}`);
    }
    const s = text.decode(buf.subarray(this.#pos, end - 1));
    this.#pos = end + 1;
    return s;
  }

  #int(s: string): number {
    const n = Number(s);
    if (s === "" || !Number.isInteger(n)) {
      throw new SyntaxError(`RESP: "${s}" is not an integer (before offset ${this.#pos})`);
    }
    return n;
  }
}
