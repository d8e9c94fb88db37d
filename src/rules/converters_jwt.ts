/** JWT converters: HAProxy's jwt_header_query, jwt_payload_query, jwt_verify, and jwt_valid (signature and claims). */
import { JWS_ALGS, type JwsAlg } from "../auth/jwt_algs.ts";
import { keyFits, type KeySet, parseKeyFile, secretKey } from "../auth/jwt_keys.ts";
import { jwtPartText } from "../auth/jwt_token.ts";
import { JwtValidator } from "../auth/jwt_validator.ts";
import { JwtVerifier, type VerifyKey } from "../auth/jwt_verifier.ts";
import { jsonPath, jsonQuery } from "./_json.ts";
import { optIntArg, varArg, varText } from "./_prepare.ts";
import { ArgumentError, type ConverterDef, defineConverter, type LoadContext } from "./types.ts";

const VARIABLE = /^(proc|sess|txn|req|res)\./;

function queryConverter(name: string, which: 0 | 1): ConverterDef {
  return defineConverter({
    name,
    args: ["json_path?", "type?"],
    in: "str",
    out: "str",
    prepare: (a) => {
      if (a[1] !== undefined && a[1] !== "int" && a[1] !== "str") {
        throw new ArgumentError(`type must be "int" or "str" when given, got "${a[1]}"`, 1);
      }
      return { path: a[0] ? jsonPath(a[0], 0) : null, int: a[1] === "int" };
    },
    outFor: (a) => (a.int ? "int" : "str"),
    convert: (v, a) => {
      const text = jwtPartText(v, which);
      if (text === undefined) return undefined;
      return a.path === null ? text : jsonQuery(text, a.path, a.int);
    },
  });
}

/** A literal algorithm argument; `none` and unknown names are config errors. */
function algArg(text: string, index: number): JwsAlg {
  const a = JWS_ALGS.get(text);
  if (a !== undefined) return a;
  if (text === "none") {
    throw new ArgumentError(`alg "none" is never valid: unsigned tokens are always refused`, index);
  }
  throw new ArgumentError(
    `unknown JWT algorithm "${text}" (${[...JWS_ALGS.keys()].join(", ")})`,
    index,
  );
}

/** The keys of a file, read and imported once per load however many rules name it. */
function keyFile(path: string, load: LoadContext, index: number): KeySet {
  return load.memo(`jwt-key:${path}`, () => {
    let text: string;
    try {
      text = load.readFile(path);
    } catch (e) {
      throw new ArgumentError(`cannot read key file "${path}": ${(e as Error).message}`, index);
    }
    try {
      return parseKeyFile(text, path);
    } catch (e) {
      throw new ArgumentError((e as Error).message, index);
    }
  });
}

/** The key argument for a literal algorithm: an HMAC secret for HS*, else a key file holding a key that fits. */
function keyFor(a: JwsAlg, text: string, load: LoadContext): VerifyKey {
  if (a.family === "hmac") {
    if (text === "") throw new ArgumentError("the HMAC secret is empty", 1);
    return { secret: secretKey(text) };
  }
  const set = keyFile(text, load, 1);
  if (!set.some((k) => keyFits(k, a))) {
    const types = set.map((k) => k.key.asymmetricKeyType ?? k.key.type).join(", ");
    throw new ArgumentError(`key file "${text}" holds no key for ${a.name} (it has: ${types})`, 1);
  }
  return { set };
}

interface VerifyArgs {
  verifier: JwtVerifier;
  alg: string;
  /** The variable holding the algorithm, "" when it is literal. */
  algVar: string;
}

function jwtVerify(): ConverterDef {
  return defineConverter<"str", VerifyArgs>({
    name: "jwt_verify",
    args: ["alg", "key"],
    in: "str",
    out: "int",
    prepare(a, load) {
      const algText = a[0]!, keyText = a[1]!;
      if (VARIABLE.test(keyText)) {
        throw new ArgumentError(
          "a key in a variable is not supported: give the secret or key file",
          1,
        );
      }
      if (!VARIABLE.test(algText)) {
        const alg = algArg(algText, 0);
        return { verifier: new JwtVerifier(keyFor(alg, keyText, load)), alg: alg.name, algVar: "" };
      }
      // the algorithm comes with the request: the key serves as a secret, and as a key file if it is one
      let set: KeySet | undefined;
      try {
        set = keyFile(keyText, load, 1);
      } catch {
        set = undefined;
      }
      const key = { secret: keyText === "" ? undefined : secretKey(keyText), set };
      return { verifier: new JwtVerifier(key), alg: "", algVar: varArg(algText, 0) };
    },
    convert(token, a, ctx) {
      const alg = a.algVar === "" ? a.alg : varText(ctx.vars.get(a.algVar)) ?? "";
      return a.verifier.verify(token, alg);
    },
  });
}

function jwtValid(): ConverterDef {
  return defineConverter<"str", JwtValidator>({
    name: "jwt_valid",
    args: ["alg", "key", "issuer?", "audience?", "leeway?"],
    in: "str",
    out: "int",
    prepare(a, load) {
      const alg = algArg(a[0]!, 0);
      const rules = {
        alg,
        issuer: a[2] || undefined,
        audience: a[3] || undefined,
        leeway: optIntArg(a[4], 4, "leeway (seconds)", 0, 0, 86400),
      };
      return new JwtValidator(rules, keyFor(alg, a[1]!, load));
    },
    convert: (token, v) => v.check(token, Date.now()),
  });
}

/** The JWT converters, for the registry. */
export const JWT_CONVERTERS: readonly ConverterDef[] = [
  queryConverter("jwt_header_query", 0),
  queryConverter("jwt_payload_query", 1),
  jwtVerify(),
  jwtValid(),
];
