/** Layer 4 and internal fetches: addresses, ports, proxy names, constants, random, environment, variables. */
import { parseIp } from "../../net/cidr.ts";
import { intArg, varArg, varText } from "../_prepare.ts";
import {
  ArgumentError,
  defineFetch,
  type FetchDef,
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

/** Connection and internal fetches: always available, in TCP and HTTP rules alike. */
export const L4_FETCHES: readonly FetchDef[] = [
  constant("str", "str", (t) => t),
  constant("int", "int", (t) => (/^[+-]?\d{1,15}$/.test(t) ? Number(t) : undefined)),
  constant(
    "bool",
    "bool",
    (t) => (t === "1" || t === "true" ? true : t === "0" || t === "false" ? false : undefined),
  ),
  constant("ipv4", "ip", (t) => (/^[\d.]+$/.test(t) && parseIp(t) ? t : undefined)),
  constant("ipv6", "ip", (t) => (t.includes(":") && parseIp(t) ? t : undefined)),
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
];
