/** The map converters (`map_beg(paths.map,default)`, `map_ip_int`, ...): values from map files. */
import { LENIENT, parseIP } from "../net/ip.ts";
import { type MapLookup, mapLookup, type MapMatch, readMapFile } from "./maps.ts";
import {
  ArgumentError,
  type ConverterDef,
  defineConverter,
  type LoadContext,
  type SampleType,
  type Value,
} from "./types.ts";

/** What each match reads: keys compare with a string, an integer or an address. */
const MATCHES: Readonly<Record<MapMatch, SampleType>> = {
  str: "str",
  beg: "str",
  sub: "str",
  dir: "str",
  dom: "str",
  end: "str",
  reg: "str",
  int: "int",
  ip: "ip",
};

type Output = "str" | "int" | "ip";

/** A map value or default as the output type, or undefined when it is not one. */
function parseOutput(out: Output, text: string): Value | undefined {
  if (out === "str") return text;
  if (out === "int") return /^[+-]?\d{1,15}$/.test(text) ? Number(text) : undefined;
  return parseIP(text, LENIENT) ? text : undefined;
}

const WANT: Readonly<Record<Output, string>> = {
  str: "a string",
  int: "an integer",
  ip: "an IP address",
};

interface Bound {
  lookup: MapLookup;
  values: readonly Value[];
  dflt: Value | undefined;
}

/** Loads the file (once per CompileOptions object), indexes it, parses values and default. */
function bind(match: MapMatch, out: Output, a: readonly string[], load: LoadContext): Bound {
  const file = a[0]!;
  if (file === "") throw new ArgumentError("the map file name is empty", 0);
  try {
    const entries = readMapFile(file, load);
    const lookup = load.memo(`map-lookup:${match}:${file}`, () => mapLookup(match, entries, file));
    const values = load.memo(`map-values:${out}:${file}`, () =>
      entries.map((e) => {
        const v = parseOutput(out, e.value);
        if (v !== undefined) return v;
        throw new Error(
          `map file value "${e.value}" (${file}:${e.line}) is not ${WANT[out]}`,
        );
      }));
    let dflt: Value | undefined;
    if (a[1] !== undefined) {
      dflt = parseOutput(out, a[1]);
      if (dflt === undefined) {
        throw new ArgumentError(`default value "${a[1]}" is not ${WANT[out]}`, 1);
      }
    }
    return { lookup, values, dflt };
  } catch (e) {
    if (e instanceof ArgumentError) throw e;
    throw new ArgumentError((e as Error).message, 0);
  }
}

function mapConverter(match: MapMatch, out: Output): ConverterDef {
  const name = out === "str" ? `map_${match}` : `map_${match}_${out}`;
  const aliases = out === "str" ? [`map_${match}_str`] : [];
  if (match === "str" && out === "str") aliases.unshift("map");
  return defineConverter({
    name,
    aliases,
    args: ["map_file", "default_value?"],
    in: MATCHES[match],
    out,
    prepare: (a, load) => bind(match, out, a, load),
    convert: (v, b: Bound) => {
      const at = b.lookup(v);
      return at >= 0 ? b.values[at] : b.dflt;
    },
  });
}

/**
 * Every `map_<match>[_<output>]` converter (output str by default, `map` is `map_str`), as in
 * HAProxy's table: the input's match in the file gives its value as the output type, else the
 * default (second argument) or, without one, no value. Files are read at config load; a relative
 * path resolves against CompileOptions.baseDir (the config's directory).
 */
export const MAP_CONVERTERS: readonly ConverterDef[] = (Object.keys(MATCHES) as MapMatch[])
  .flatMap((match) => (["str", "int", "ip"] as const).map((out) => mapConverter(match, out)));
