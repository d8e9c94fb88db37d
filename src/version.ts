/** The tsproxy version, printed by `tsproxy version` and exported from mod.ts. */
export const VERSION = "0.1.0";

/** Set by `bun build --define TSPROXY_BUILD='"…"'` (scripts/release): the commit of a release. */
declare const TSPROXY_BUILD: string | undefined;

/** The version with the commit a release binary was built from: `0.1.0+1a2b3c4`, else VERSION. */
export const VERSION_STAMP: string = typeof TSPROXY_BUILD === "string" && TSPROXY_BUILD !== ""
  ? `${VERSION}+${TSPROXY_BUILD}`
  : VERSION;
