/** The shapes of the rules engine: what a session provides (SampleContext), values, fetch and converter definitions. */
import type { Userlist } from "../auth/userlist.ts";
import type { HeaderField } from "../http1/types.ts";
import type { StickTableSpec } from "../stick/table.ts";
import type { StickState } from "../stick/tracker.ts";

/** The type of a sample, as HAProxy names them. */
export type SampleType = "str" | "int" | "ip" | "bool" | "bin";

/** The JavaScript value of each sample type: an ip is its text ("10.0.0.1", "::1"), bin is bytes. */
export interface ValueTypes {
  str: string;
  int: number;
  ip: string;
  bool: boolean;
  bin: Uint8Array;
}

/** A sample's value, whatever its type. */
export type Value = ValueTypes[SampleType];

/**
 * What a fetch reads, so the config check can refuse a fetch where its data does not exist:
 * connection addresses (always there), buffered payload (TCP content inspection), the HTTP
 * request, the HTTP response.
 */
export type Need = "l4" | "payload" | "http-req" | "http-res";

/** The HTTP request as rules see it. */
export interface RequestSample {
  method: string;
  /** The request target as sent: "/p?q", "http://h/p", "h:443" or "*". */
  target: string;
  /** The minor version: 0 for HTTP/1.0, 1 for HTTP/1.1 (a RequestHead is a RequestSample as it is). */
  minor: number;
  /** 2 for HTTP/2 (`req.ver` says "2.0"); 1 or absent for HTTP/1.x. */
  readonly version?: number;
  /** The fields in arrival order (the codec's HeaderField). */
  headers: readonly HeaderField[];
}

/** The HTTP response as rules see it. */
export interface ResponseSample {
  status: number;
  headers: readonly HeaderField[];
}

/** The client connection's TLS, as the ssl_fc_* and ssl_c_* fetches read it. */
export interface TlsSample {
  readonly sni?: string | undefined;
  readonly alpn?: string | undefined;
  /** "TLSv1.2", "TLSv1.3". */
  readonly protocol: string;
  readonly cipher: string;
  /** Present when the bind asks for client certificates. */
  readonly clientCert?: {
    readonly used: boolean;
    /** 0: verified (or none sent); else OpenSSL's X509_V_ERR_* code. */
    readonly verify: number;
    /** "/C=FR/O=Acme/CN=client1". */
    readonly subjectDN?: string | undefined;
  } | undefined;
}

/** What a session gives the rules it runs: built once per stream/transaction, read by fetches. */
export interface SampleContext {
  /** The client's address ("192.0.2.1", "2001:db8::1"). */
  src: string;
  /** The client connection's TLS, when the bind terminates TLS. */
  tls?: TlsSample;
  /** The AUTHORITY TLV of the PROXY v2 header the client's connection began with (fc_pp_authority). */
  ppAuthority?: string;
  srcPort: number;
  /** The address the client connected to (the proxy's side). */
  dst: string;
  dstPort: number;
  /** The frontend's name. */
  feName: string;
  /** The backend's name, "" before one is chosen. */
  beName: string;
  /** The HTTP request, in HTTP mode. */
  req?: RequestSample;
  /** The HTTP response, in response rules. */
  res?: ResponseSample;
  /** The payload buffered so far (TCP content inspection), when the session inspects it. */
  payload?: Uint8Array;
  /** True once the inspect delay has run out (`wait_end`). */
  waitEnd?: boolean;
  /**
   * True when no more payload will be waited for (the delay ran out, the client half-closed, or
   * the buffer is full): HAProxy's SMP_OPT_FINAL. Payload fetches then answer with what they have.
   */
  final?: boolean;
  /**
   * Set by a payload fetch (when `final` is not) whose answer could change with more bytes:
   * HAProxy's SMP_F_MAY_CHANGE. Reset by the ACL test before each payload fetch.
   */
  mayChange?: boolean;
  /**
   * Set by an ACL test that did not match on a value that may change: the rule being evaluated
   * cannot be decided yet and the session waits for more bytes (HAProxy's ACL_TEST_MISS).
   */
  miss?: boolean;
  /** Variables by their full name, scope included: "txn.user", "sess.country". */
  vars: Map<string, unknown>;
  /** An environment variable, undefined when unset. */
  env(name: string): string | undefined;
  /** The backend chosen so far (`nbsrv`, `be_conn`, `connslots` without an argument). */
  backend?: BackendSample;
  /** A backend by name (`nbsrv(api)`), undefined when none has that name. */
  backends?: (name: string) => BackendSample | undefined;
  /** Connections open on the frontend now, this one included (`fe_conn`). */
  feConn?: number;
  /** The stick tables and the entries tracked (`track-sc*`, `sc_*`, `src_*`); absent without tables. */
  stick?: StickState | null;
}

/** What backend-state fetches read from a backend, read live at each call. */
export interface BackendSample {
  readonly name: string;
  /** Servers a new connection may go to: usable active ones, else usable backups (`nbsrv`). */
  usableServers(): number;
  /** Connections open through the backend now (`be_conn`). */
  conn(): number;
  /** Free connection slots over its running servers; -1 when one has no maxconn (`connslots`). */
  slots(): number;
  /** Connections open to server `name` now, undefined when it has none such (`srv_conn`). */
  serverConn(name: string): number | undefined;
}

/** What compiling may need from outside: pattern and map files, the environment, known names. */
export interface CompileOptions {
  /**
   * Reads a file named in a rule (`-f` patterns, `map_*` files), given its resolved path; default:
   * node:fs. Throws when the file cannot be read. Map files are read and indexed once per options
   * object: compile a reloaded config with a new one.
   */
  readFile?: (path: string) => string;
  /**
   * The directory relative file paths in rules resolve against: the config file's directory (so a
   * config works from any working directory). HAProxy resolves them against its working directory
   * instead. Without it, relative paths resolve against the working directory.
   */
  baseDir?: string;
  /** Expands `"$VAR"` in lines given as strings; without it `$` is literal. */
  env?: (name: string) => string | undefined;
  /**
   * The backends that exist, each with its servers' names: `nbsrv(x)` or `srv_conn(x/y)` naming
   * another is then a config error. Without it such names are not checked (the fetch then finds
   * nothing at run time).
   */
  backends?: ReadonlyMap<string, readonly string[]>;
  /** The stick tables by name: a rule naming another, or reading what its table does not store, is an error. */
  stickTables?: ReadonlyMap<string, StickTableSpec>;
  /** The table of the section being compiled (its own `stickTable`): the default of track-sc and src_*. */
  stickTable?: string;
  /** The userlists by name (`http_auth(L)`): a rule naming another is an error. */
  userlists?: ReadonlyMap<string, Userlist>;
}

/** What a definition's `prepare` gets besides its arguments: files and names, at config load. */
export interface LoadContext {
  /** A file named in an argument, as text; relative paths resolve against `baseDir`. Throws. */
  readFile(path: string): string;
  /** CompileOptions.backends. */
  readonly backends?: ReadonlyMap<string, readonly string[]>;
  /** CompileOptions.stickTables. */
  readonly stickTables?: ReadonlyMap<string, StickTableSpec>;
  /** CompileOptions.stickTable. */
  readonly stickTable?: string;
  /** CompileOptions.userlists. */
  readonly userlists?: ReadonlyMap<string, Userlist>;
  /**
   * Builds a value once per CompileOptions object and key, e.g. one index per map file and kind
   * however many converters use it.
   */
  memo<T>(key: string, build: () => T): T;
}

/**
 * Thrown by a definition's `prepare` when an argument is wrong; `index` is the argument's
 * position (0-based), so the error can point at its column.
 */
export class ArgumentError extends Error {
  constructor(message: string, readonly index: number) {
    super(message);
    this.name = "ArgumentError";
  }
}

/** A sample fetch: a keyword that reads a value from the context. */
export interface FetchDef<A = unknown> {
  name: string;
  /** Other names for the same fetch (`req.hdr` for `hdr`). */
  aliases?: readonly string[];
  /** Argument names for messages and arity; a trailing "?" marks an optional one: ["name?", "occ?"]. */
  args: readonly string[];
  type: SampleType;
  needs: Need;
  /** Checks and turns the argument texts into what `fetch` uses, once at config time. */
  prepare?(args: readonly string[], load: LoadContext): A;
  /** The value (for a multi-valued fetch, the last occurrence), or undefined when there is none. */
  fetch(ctx: SampleContext, args: A): Value | undefined;
  /**
   * For multi-valued fetches (header values, cookies): calls `visit` with each value until it
   * returns true, and says whether one did. ACLs use it to match any occurrence.
   */
  each?(
    ctx: SampleContext,
    args: A,
    visit: (v: Value, ctx: SampleContext) => boolean,
  ): boolean;
}

/** A converter: `,name(args)` after a fetch, turning one value into another. */
export interface ConverterDef<I extends SampleType = SampleType, A = unknown> {
  name: string;
  /** Other names for the same converter (`map` for `map_str`). */
  aliases?: readonly string[];
  args: readonly string[];
  in: I;
  /** Takes a value of any type as it is (`table_*` keys: an ip, a string, an integer): `in` is not enforced. */
  anyInput?: boolean;
  out: SampleType;
  /** The output type when it depends on the arguments (`json_query(path,int)`). */
  outFor?(args: A): SampleType;
  /** Checks and turns the argument texts into what `convert` uses (map files loaded), at load. */
  prepare?(args: readonly string[], load: LoadContext): A;
  /** The converted value, or undefined when the input cannot be converted (the sample then fails). */
  convert(value: ValueTypes[I], args: A, ctx: SampleContext): Value | undefined;
}

/** Types a fetch definition's arguments from its `prepare`, for the registry. */
export function defineFetch<A>(def: FetchDef<A>): FetchDef {
  return def as FetchDef;
}

/** Types a converter definition's input and arguments, for the registry. */
export function defineConverter<I extends SampleType, A>(def: ConverterDef<I, A>): ConverterDef {
  return def as unknown as ConverterDef;
}
