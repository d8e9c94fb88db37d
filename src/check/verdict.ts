/** What one health check concluded, in HAProxy's words (its check status descriptions). */

export const L4_OK = "Layer4 check passed";
export const L4_TIMEOUT = "Layer4 timeout";
export const L4_CONNECTION = "Layer4 connection problem";
export const L6_INVALID = "Layer6 invalid response";
export const L7_OK = "Layer7 check passed";
export const L7_TIMEOUT = "Layer7 timeout";
export const L7_INVALID = "Layer7 invalid response";
export const L7_WRONG_STATUS = "Layer7 wrong status";
/** A passive failure: observe saw errorLimit errors in a row in live traffic (HAProxy's HANA). */
export const HEALTH_ANALYZE = "Health analyze";

/** The result of one check, before its duration is known. */
export interface Verdict {
  readonly ok: boolean;
  /** One of the constants above. */
  readonly status: string;
  /** The response's HTTP status, when a status line was read. */
  readonly code?: number | undefined;
  /** Detail: the reason phrase, "Connection refused", ... */
  readonly info?: string | undefined;
}

/** HAProxy prints `code` only for these (statuses at or past HCHK_STATUS_L57DATA). */
export function showsCode(status: string): boolean {
  return status === L7_OK || status === L7_WRONG_STATUS;
}

/** HAProxy's info for a refused or reset connect, from the runtime's error message. */
export function connectInfo(message: string): string {
  if (/refused/i.test(message)) return "Connection refused";
  if (/reset/i.test(message)) return "Connection reset by peer";
  if (/unreachable/i.test(message)) return "No route to host";
  const at = message.indexOf("failed: ");
  return at >= 0 ? message.slice(at + "failed: ".length) : message;
}
