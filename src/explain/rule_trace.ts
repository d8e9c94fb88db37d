/**
 * Rule lists wrapped to record each rule as the real phase code runs it: its ACLs with their
 * values, whether it matched, its verdict and what it rewrote. The wrappers exist only here, so the
 * evaluators of the data path carry no tracing hook.
 */
import type { Condition } from "../rules/condition.ts";
import type {
  BackendHttpRules,
  BackendRule,
  FrontendRules,
  HttpRule,
  SampleContext,
  TcpRule,
  TcpRules,
  Verdict,
} from "../rules/mod.ts";
import type { AclExplainer } from "./acl_trace.ts";
import { changesSince, snapshot } from "./head_diff.ts";
import type { RuleStep } from "./types.ts";

/** Where a traced list's steps go, and how its section explains ACLs. */
export interface TraceSink {
  readonly steps: RuleStep[];
  readonly acls: AclExplainer;
}

function step(sink: TraceSink, list: string, index: number, line: string, ctx: SampleContext) {
  const s: RuleStep = {
    list,
    index: index + 1,
    line,
    acls: sink.acls.explain(line, ctx),
    matched: true,
    outcome: "",
    changes: [],
  };
  sink.steps.push(s);
  return s;
}

/** A verdict in words: `deny 403`, `redirect 308 /api/v2/x`, `return 200`. */
export function verdictText(v: Verdict): string {
  switch (v.type) {
    case "allow":
    case "reject":
    case "silent-drop":
      return v.type;
    case "deny":
    case "tarpit":
    case "return":
      return `${v.type} ${v.status}`;
    case "redirect":
      return `redirect ${v.code} ${v.location}`;
    case "service":
      return `use-service ${v.name}`;
  }
}

/** `rules` recording into `sink`; `lines` are the config lines they were compiled from, in order. */
export function traceHttpRules(
  rules: readonly HttpRule[],
  lines: readonly string[],
  list: string,
  sink: TraceSink,
): HttpRule[] {
  return rules.map((rule, i): HttpRule => ({
    action: rule.action,
    cond: null, // tested in run, so that the step is recorded either way
    run(t) {
      const s = step(sink, list, i, lines[i] ?? rule.action, t.ctx);
      if (rule.cond !== null && !rule.cond.test(t.ctx)) {
        s.matched = false;
        s.outcome = "skipped";
        return undefined;
      }
      const before = snapshot(t.req);
      const v = rule.run(t);
      s.changes = changesSince(before, t.req);
      s.outcome = v !== undefined
        ? verdictText(v)
        : s.changes.length > 0
        ? "applied"
        : rule.action.startsWith("set-var") || rule.action.startsWith("unset-var") ||
            rule.action.startsWith("track-") || rule.action.startsWith("sc-")
        ? "applied"
        : "no change";
      return v;
    },
  }));
}

/** A condition that records its test; `cond` null holds always. */
function recording(
  cond: Condition | null,
  onTest: (ctx: SampleContext) => boolean,
): Condition {
  return { test: onTest, needs: cond?.needs ?? [], uses: cond?.uses ?? [] };
}

/** `use_backend` rules recording into `sink`. */
export function traceBackendRules(
  rules: readonly BackendRule[],
  lines: readonly string[],
  list: string,
  sink: TraceSink,
): BackendRule[] {
  return rules.map((r): BackendRule => {
    let last: RuleStep | null = null;
    const cond = recording(r.cond, (ctx) => {
      const s = last = step(sink, list, r.line, lines[r.line] ?? r.backend, ctx);
      s.matched = r.cond === null || r.cond.test(ctx);
      s.outcome = s.matched ? `backend ${r.backend}` : "skipped";
      return s.matched;
    });
    const dynamic = r.dynamic;
    if (dynamic === undefined) return { backend: r.backend, line: r.line, cond };
    return {
      backend: r.backend,
      line: r.line,
      cond,
      dynamic(ctx) {
        const name = dynamic(ctx);
        if (last !== null) last.outcome = `backend ${name} (rendered from ${r.backend})`;
        return name;
      },
    };
  });
}

/** tcp-request content rules recording into `sink` (connection rules are left as they are: they ran at accept). */
export function traceTcpRules(
  rules: TcpRules,
  lines: readonly string[],
  list: string,
  sink: TraceSink,
): TcpRules {
  const content = rules.content.map((r): TcpRule => {
    const cond = recording(r.cond, (ctx) => {
      const s = step(sink, list, r.line, lines[r.line] ?? r.action, ctx);
      s.matched = r.cond === null || r.cond.test(ctx);
      s.outcome = s.matched ? (r.run ? "applied" : r.action) : "skipped";
      return s.matched;
    });
    return r.run ? { action: r.action, line: r.line, cond, run: r.run } : {
      action: r.action,
      line: r.line,
      cond,
    };
  });
  return { ...rules, content };
}

/** A frontend's rules with every list the request phase runs traced. */
export function traceFrontendRules(
  rules: FrontendRules,
  lines: {
    readonly httpRequest?: readonly string[] | undefined;
    readonly useBackend?: readonly string[] | undefined;
    readonly tcpRequest?: readonly string[] | undefined;
  },
  name: string,
  sink: TraceSink,
): FrontendRules {
  return {
    ...rules,
    tcp: traceTcpRules(rules.tcp, lines.tcpRequest ?? [], `tcp-request (frontend ${name})`, sink),
    request: traceHttpRules(
      rules.request,
      lines.httpRequest ?? [],
      `http-request (frontend ${name})`,
      sink,
    ),
    backends: traceBackendRules(
      rules.backends,
      lines.useBackend ?? [],
      `use_backend (frontend ${name})`,
      sink,
    ),
  };
}

/** A backend's own request rules traced. */
export function traceBackendHttpRules(
  rules: BackendHttpRules,
  lines: {
    readonly httpRequest?: readonly string[] | undefined;
    readonly tcpRequest?: readonly string[] | undefined;
  },
  name: string,
  sink: TraceSink,
): BackendHttpRules {
  const list = `http-request (backend ${name})`;
  return {
    ...rules,
    request: traceHttpRules(rules.request, lines.httpRequest ?? [], list, sink),
    ...(rules.tcp
      ? {
        tcp: traceTcpRules(
          rules.tcp,
          lines.tcpRequest ?? [],
          `tcp-request (backend ${name})`,
          sink,
        ),
      }
      : {}),
  };
}
