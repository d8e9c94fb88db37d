/** Reason phrases for statuses rules set (set-status, return): HAProxy's words, from the HTTP/1 table. */
export { statusReason } from "../../http1/reasons.ts";
