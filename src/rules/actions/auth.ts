/** The `auth [realm R]` action: answer 401 with a Basic challenge (HAProxy's http-request auth). */
import { fail } from "../_fail.ts";
import { type ActionDef, noMore, word } from "./_action.ts";
import type { Verdict } from "./types.ts";

/** HAProxy's 401 page. */
const BODY = "<html><body><h1>401 Unauthorized</h1>\n" +
  "You need a valid user and password to access this content.\n</body></html>\n";

/** A realm goes between quotes in the challenge: no quote, backslash or control character. */
const REALM = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function challenge(realm: string): Verdict {
  return {
    type: "return",
    status: 401,
    headers: [
      ["content-type", "text/html"],
      ["cache-control", "no-cache"],
      ["www-authenticate", `Basic realm="${realm}"`],
    ],
    body: BODY,
  };
}

/** `auth [realm R]`; without a realm, the name of the proxy whose rule it is (its backend's, else its frontend's). */
export function authAction(): ActionDef {
  return {
    name: "auth",
    sides: ["request"],
    compile(kw, args) {
      let n = 0, realm: string | undefined;
      if (args[0]?.text === "realm") {
        const w = word(args, 1, kw, `a realm after "realm"`);
        if (!REALM.test(w.text)) {
          fail(
            `invalid realm "${w.text}": no quote, backslash or control character`,
            w.text,
            w.column,
          );
        }
        realm = w.text, n = 2;
      }
      noMore(args, n, kw);
      if (realm !== undefined) {
        const verdict = challenge(realm);
        return { uses: [], run: () => verdict };
      }
      const byName = new Map<string, Verdict>();
      return {
        uses: [],
        run(t) {
          const name = t.ctx.beName || t.ctx.feName;
          let v = byName.get(name);
          if (v === undefined) byName.set(name, v = challenge(name));
          return v;
        },
      };
    },
  };
}
