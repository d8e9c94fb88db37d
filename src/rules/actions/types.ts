/** The shapes of compiled http-request / http-response rules: what they act on and what they decide. */
import type { RequestHead, ResponseHead } from "../../http1/types.ts";
import type { Condition } from "../condition.ts";
import type { SampleContext } from "../types.ts";

/** Which rule list a line belongs to: `httpRequest` or `httpResponse`. */
export type RuleSide = "request" | "response";

/** What a rule runs on: the sample context and the heads it may rewrite (the transaction owns them). */
export interface HttpRuleTarget {
  readonly ctx: SampleContext;
  readonly req: RequestHead;
  /** The response head, in response rules. */
  readonly res?: ResponseHead;
}

/** A final decision that stops rule evaluation; rewrites return nothing and evaluation goes on. */
export type Verdict =
  | { type: "allow" }
  | { type: "deny"; status: number }
  | {
    type: "return";
    status: number;
    /** Fields to send, content-type first when given. */
    headers: [string, string][];
    body: string;
  }
  | { type: "redirect"; code: number; location: string }
  /** `tarpit`: hold the request for timeout tarpit, then answer `status` and close. */
  | { type: "tarpit"; status: number }
  /** `silent-drop`: close the client connection with a reset, nothing written. */
  | { type: "silent-drop" }
  /** `reject`: close the client connection at once, nothing written. */
  | { type: "reject" }
  /** `use-service NAME`: a local service of the frontend answers (prometheus-exporter). */
  | { type: "service"; name: string };

/** One compiled rule line. */
export interface HttpRule {
  /** The action keyword, for messages and logs. */
  readonly action: string;
  /** Null when the line has no `if`/`unless`. */
  readonly cond: Condition | null;
  run(t: HttpRuleTarget): Verdict | undefined;
}

/** A compiled `useBackend` line: `name [if|unless cond]`. */
export interface BackendRule {
  /** The backend's name; for a dynamic rule (`%[...]`), the format as written. */
  readonly backend: string;
  /** A dynamic rule's name, rendered per request; a name no backend has falls to the default. */
  readonly dynamic?: (ctx: SampleContext) => string;
  /** The line's index in the list, for messages. */
  readonly line: number;
  readonly cond: Condition | null;
}
