/** The tsproxy version, printed by `tsproxy version` and exported from mod.ts. */
export const VERSION = "0.1.0";
