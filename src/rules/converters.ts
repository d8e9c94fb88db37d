/** Converters (`,lower`, `,field(2,/)`, `,ipmask(24)`, ...): one value into another, arguments checked at load. */
import { createHash } from "node:crypto";
import { formatIP, isMappedIPv4, LENIENT, parseIP } from "../net/ip.ts";
import { applyPrefix, maskBits } from "./_ip.ts";
import { optIntArg, varArg, varText } from "./_prepare.ts";
import { JWT_CONVERTERS } from "./converters_jwt.ts";
import { MAP_CONVERTERS } from "./converters_map.ts";
import { MATH_CONVERTERS } from "./converters_math.ts";
import { STICK_CONVERTERS } from "./converters_stick.ts";
import { jsonPath, jsonQuery } from "./_json.ts";
import { fieldArgs, latin1, pick, portColon, spans, urlDecode } from "./_text.ts";
import { ArgumentError, type ConverterDef, defineConverter } from "./types.ts";

/** The converters, by name: these, the integer ones and the map ones. */
export const CONVERTERS: readonly ConverterDef[] = [
  defineConverter({
    name: "lower",
    args: [],
    in: "str",
    out: "str",
    convert: (v) => v.toLowerCase(),
  }),
  defineConverter({
    name: "upper",
    args: [],
    in: "str",
    out: "str",
    convert: (v) => v.toUpperCase(),
  }),
  defineConverter({
    name: "length",
    args: [],
    in: "str",
    out: "int",
    convert: (v) => v.length,
  }),
  defineConverter({
    name: "field",
    args: ["index", "delimiters", "count?"],
    in: "str",
    out: "str",
    prepare: fieldArgs,
    convert: (v, a) => pick(v, spans(v, a.delims, false), a),
  }),
  defineConverter({
    name: "word",
    args: ["index", "delimiters", "count?"],
    in: "str",
    out: "str",
    prepare: fieldArgs,
    convert: (v, a) => pick(v, spans(v, a.delims, true), a),
  }),
  defineConverter({
    name: "regsub",
    args: ["regex", "subst", "flags?"],
    in: "str",
    out: "str",
    prepare: (a) => {
      const flags = a[2] ?? "";
      if (!/^[ig]*$/.test(flags)) throw new ArgumentError(`flags must be "i" and/or "g"`, 2);
      let re: RegExp;
      try {
        re = new RegExp(a[0]!, flags);
      } catch (e) {
        throw new ArgumentError(`invalid regex "${a[0]}": ${(e as Error).message}`, 0);
      }
      // HAProxy's \1..\9 back-references become JavaScript's $1..$9; a literal "$" is doubled.
      const subst = a[1]!.replace(/\$/g, "$$$$").replace(/\\([0-9])/g, "$$$1");
      return { re, subst };
    },
    convert: (v, a) => v.replace(a.re, a.subst),
  }),
  defineConverter({
    name: "ipmask",
    args: ["mask4", "mask6?"],
    in: "ip",
    out: "ip",
    prepare: (a) => {
      const m4 = a[0]!.includes(".") ? maskBits(a[0]!) : optIntArg(a[0], 0, "mask4", -1, 0, 32);
      if (m4 < 0) throw new ArgumentError(`mask4 "${a[0]}" is not a netmask or 0-32`, 0);
      return { m4, m6: optIntArg(a[1], 1, "mask6", -1, 0, 128) };
    },
    convert: (v, a) => {
      const b = parseIP(v, LENIENT);
      if (!b) return undefined;
      if (isMappedIPv4(b)) return formatIP(applyPrefix(b, 96 + a.m4));
      return a.m6 < 0 ? undefined : formatIP(applyPrefix(b, a.m6));
    },
  }),
  defineConverter({
    name: "base64",
    args: [],
    in: "bin",
    out: "str",
    convert: (v) => btoa(latin1(v)),
  }),
  defineConverter({
    name: "b64dec",
    args: [],
    in: "str",
    out: "bin",
    convert: (v) => {
      try {
        const s = atob(v);
        return Uint8Array.from(s, (c) => c.charCodeAt(0));
      } catch {
        return undefined;
      }
    },
  }),
  defineConverter({
    name: "hex",
    args: [],
    in: "bin",
    out: "str",
    convert: (v) => {
      let s = "";
      for (let i = 0; i < v.length; i++) s += v[i]!.toString(16).padStart(2, "0");
      return s.toUpperCase();
    },
  }),
  defineConverter({
    name: "sha2",
    args: ["bits?"],
    in: "bin",
    out: "bin",
    prepare: (a) => {
      const bits = optIntArg(a[0], 0, "bits", 256);
      if (![224, 256, 384, 512].includes(bits)) {
        throw new ArgumentError(`bits must be 224, 256, 384 or 512, got "${a[0]}"`, 0);
      }
      return `sha${bits}`;
    },
    convert: (v, algorithm) => new Uint8Array(createHash(algorithm).update(v).digest()),
  }),
  defineConverter({
    name: "url_dec",
    args: ["in_form?"],
    in: "str",
    out: "str",
    prepare: (a) => optIntArg(a[0], 0, "in_form", 0) !== 0,
    convert: (v, plus) => urlDecode(v, plus),
  }),
  defineConverter({
    name: "host_only",
    args: [],
    in: "str",
    out: "str",
    convert: (v) => {
      const c = portColon(v);
      return c < 0 ? v : v.slice(0, c);
    },
  }),
  defineConverter({
    name: "port_only",
    args: [],
    in: "str",
    out: "int",
    convert: (v) => {
      const c = portColon(v);
      const port = c < 0 ? "" : v.slice(c + 1);
      return /^\d{1,5}$/.test(port) ? Number(port) : 0;
    },
  }),
  defineConverter({
    name: "concat",
    args: ["start?", "var?", "end?"],
    in: "str",
    out: "str",
    prepare: (a) => ({
      start: a[0] ?? "",
      key: a[1] ? varArg(a[1], 1) : "",
      end: a[2] ?? "",
    }),
    convert: (v, a, ctx) => {
      const middle = a.key === "" ? "" : varText(ctx.vars.get(a.key)) ?? "";
      return v + a.start + middle + a.end;
    },
  }),
  defineConverter({
    name: "json_query",
    args: ["path", "type?"],
    in: "str",
    out: "str",
    prepare: (a) => {
      if (a[1] !== undefined && a[1] !== "int") {
        throw new ArgumentError(`type must be "int" when given, got "${a[1]}"`, 1);
      }
      return { path: jsonPath(a[0]!, 0), int: a[1] === "int" };
    },
    outFor: (a) => (a.int ? "int" : "str"),
    convert: (v, a) => jsonQuery(v, a.path, a.int),
  }),
  ...MATH_CONVERTERS,
  ...MAP_CONVERTERS,
  ...STICK_CONVERTERS,
  ...JWT_CONVERTERS,
];
