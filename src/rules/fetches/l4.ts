/** Layer 4 and internal fetches: addresses, ports, names, constants, env, vars, backend state. */
import { LENIENT, parseIPv4, parseIPv6 } from "../../net/ip.ts";
import { suggest } from "../_suggest.ts";
import { intArg, varArg, varText } from "../_prepare.ts";
import {
  ArgumentError,
  type BackendSample,
  defineFetch,
  type FetchDef,
  type LoadContext,
  type SampleContext,
  type SampleType,
  type Value,
} from "../types.ts";

/** A constant fetch (`str(x)`, `int(5)`, ...): the argument checked and converted once. */
function constant(name: string, type: SampleType, read: (text: string) => Value | undefined) {
  return defineFetch<Value>({
    name,
    args: ["value"],
    type,
    needs: "l4",
    prepare: (a) => {
      const v = read(a[0]!);
      if (v === undefined) throw new ArgumentError(`"${a[0]}" is not a valid ${name}`, 0);
      return v;
    },
    fetch: (_ctx, v) => v,
  });
}

/** A backend name argument, checked against the config's backends when the compile knows them. */
function backendArg(text: string, index: number, load: LoadContext): string {
  if (text === "") throw new ArgumentError("the backend name is empty", index);
  const known = load.backends;
  if (known && !known.has(text)) {
    const hint = suggest(text, known.keys());
    throw new ArgumentError(`unknown backend "${text}"${hint ? ` (${hint})` : ""}`, index);
  }
  return text;
}

/** The named backend, or without a name the one chosen so far (none yet: no value). */
function pickBackend(ctx: SampleContext, name: string | undefined): BackendSample | undefined {
  return name === undefined ? ctx.backend : ctx.backends?.(name);
}

/** `nbsrv`, `be_conn`, `connslots`: an integer read from the named or current backend. */
function backendState(name: string, read: (b: BackendSample) => number) {
  return defineFetch<string | undefined>({
    name,
    args: ["backend?"],
    type: "int",
    needs: "l4",
    prepare: (a, load) => (a[0] === undefined ? undefined : backendArg(a[0], 0, load)),
    fetch: (ctx, be) => {
      const b = pickBackend(ctx, be);
      return b === undefined ? undefined : read(b);
    },
  });
}

/** `srv_conn([backend/]server)`: the server, and its backend when named (checked like nbsrv's). */
function serverArg(a: readonly string[], load: LoadContext): { be?: string; srv: string } {
  const t = a[0]!;
  const slash = t.indexOf("/");
  const srv = t.slice(slash + 1);
  if (srv === "") throw new ArgumentError(`"${t}" names no server`, 0);
  if (slash < 0) return { srv };
  const be = backendArg(t.slice(0, slash), 0, load);
  const servers = load.backends?.get(be);
  if (servers && !servers.includes(srv)) {
    const hint = suggest(srv, servers);
    throw new ArgumentError(
      `backend "${be}" has no server "${srv}"${hint ? ` (${hint})` : ""}`,
      0,
    );
  }
  return { be, srv };
}

/** Backend and frontend state (HAProxy's backend.c fetches), read live from the context. */
const STATE_FETCHES: readonly FetchDef[] = [
  backendState("nbsrv", (b) => b.usableServers()),
  backendState("be_conn", (b) => b.conn()),
  backendState("connslots", (b) => b.slots()),
  defineFetch({
    name: "srv_conn",
    args: ["server"],
    type: "int",
    needs: "l4",
    prepare: serverArg,
    fetch: (ctx, s) => pickBackend(ctx, s.be)?.serverConn(s.srv),
  }),
  defineFetch({
    name: "fe_conn",
    args: [],
    type: "int",
    needs: "l4",
    fetch: (ctx) => ctx.feConn,
  }),
];

/** Connection and internal fetches: always available, in TCP and HTTP rules alike. */
export const L4_FETCHES: readonly FetchDef[] = [
  constant("str", "str", (t) => t),
  constant("int", "int", (t) => (/^[+-]?\d{1,15}$/.test(t) ? Number(t) : undefined)),
  constant(
    "bool",
    "bool",
    (t) => (t === "1" || t === "true" ? true : t === "0" || t === "false" ? false : undefined),
  ),
  constant("ipv4", "ip", (t) => (parseIPv4(t, LENIENT) !== null ? t : undefined)),
  constant("ipv6", "ip", (t) => (parseIPv6(t, LENIENT) ? t : undefined)),
  constant(
    "bin",
    "bin",
    (t) =>
      /^(?:[0-9a-fA-F]{2})*$/.test(t)
        ? Uint8Array.from(t.match(/../g) ?? [], (h) => parseInt(h, 16))
        : undefined,
  ),
  defineFetch({
    name: "src",
    args: [],
    type: "ip",
    needs: "l4",
    fetch: (ctx) => ctx.src || undefined,
  }),
  defineFetch({
    name: "fc_pp_authority",
    args: [],
    type: "str",
    needs: "l4",
    fetch: (ctx) => ctx.ppAuthority,
  }),
  defineFetch({
    name: "src_port",
    args: [],
    type: "int",
    needs: "l4",
    fetch: (ctx) => ctx.srcPort,
  }),
  defineFetch({
    name: "dst",
    args: [],
    type: "ip",
    needs: "l4",
    fetch: (ctx) => ctx.dst || undefined,
  }),
  defineFetch({
    name: "dst_port",
    args: [],
    type: "int",
    needs: "l4",
    fetch: (ctx) => ctx.dstPort,
  }),
  defineFetch({
    name: "fe_name",
    args: [],
    type: "str",
    needs: "l4",
    fetch: (ctx) => ctx.feName,
  }),
  defineFetch({
    name: "be_name",
    args: [],
    type: "str",
    needs: "l4",
    fetch: (ctx) => ctx.beName || undefined,
  }),
  defineFetch({
    name: "always_true",
    args: [],
    type: "bool",
    needs: "l4",
    fetch: () => true,
  }),
  defineFetch({
    name: "always_false",
    args: [],
    type: "bool",
    needs: "l4",
    fetch: () => false,
  }),
  defineFetch({
    name: "rand",
    args: ["range?"],
    type: "int",
    needs: "l4",
    prepare: (a) => (a[0] === undefined ? 2 ** 32 : intArg(a[0], 0, "range", 1, 2 ** 32)),
    fetch: (_ctx, range) => Math.floor(Math.random() * range),
  }),
  defineFetch({
    name: "env",
    args: ["name"],
    type: "str",
    needs: "l4",
    prepare: (a) => a[0]!,
    fetch: (ctx, name) => ctx.env(name),
  }),
  defineFetch({
    name: "var",
    args: ["name"],
    type: "str",
    needs: "l4",
    prepare: (a) => varArg(a[0]!, 0),
    fetch: (ctx, key) => varText(ctx.vars.get(key)),
  }),
  ...STATE_FETCHES,
];
