/** HTTP status reason phrases: one table, read as HAProxy's rules word a status or as its own messages do. */

/**
 * Each status HAProxy names (http_get_reason, 2.6). A pair holds that phrase, then the one HAProxy's
 * own messages (error pages, redirects) write in their status line where the two differ.
 */
const PHRASES: Readonly<Record<number, string | readonly [reason: string, message: string]>> = {
  100: "Continue",
  101: "Switching Protocols",
  102: "Processing",
  200: "OK",
  201: "Created",
  202: "Accepted",
  203: "Non-Authoritative Information",
  204: "No Content",
  205: "Reset Content",
  206: "Partial Content",
  207: "Multi-Status",
  210: "Content Different",
  226: "IM Used",
  300: "Multiple Choices",
  301: "Moved Permanently",
  302: ["Moved Temporarily", "Found"],
  303: "See Other",
  304: "Not Modified",
  305: "Use Proxy",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  310: "Too many Redirects",
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  407: "Proxy Authentication Required",
  408: "Request Time-out",
  409: "Conflict",
  410: "Gone",
  411: "Length Required",
  412: "Precondition Failed",
  413: ["Request Entity Too Large", "Payload Too Large"],
  414: ["Request-URI Too Long", "URI Too Long"],
  415: "Unsupported Media Type",
  416: "Requested range unsatisfiable",
  417: "Expectation failed",
  418: "I'm a teapot",
  421: "Misdirected Request",
  422: "Unprocessable Content",
  423: "Locked",
  424: "Method failure",
  425: "Too Early",
  426: "Upgrade Required",
  428: "Precondition Required",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  449: "Retry With",
  450: "Blocked by Windows Parental Controls",
  451: "Unavailable For Legal Reasons",
  456: "Unrecoverable Error",
  499: "client has closed connection",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: ["Bad Gateway or Proxy Error", "Bad Gateway"],
  503: "Service Unavailable",
  504: "Gateway Time-out",
  505: ["HTTP Version not supported", "HTTP Version Not Supported"],
  506: "Variant also negotiate",
  507: "Insufficient storage",
  508: "Loop detected",
  509: "Bandwidth Limit Exceeded",
  510: "Not extended",
  511: "Network authentication required",
  520: "Web server is returning an unknown error",
};

const CLASSES = ["Informational", "Success", "Redirection", "Client Error", "Server Error"];

/**
 * The reason phrase HAProxy gives `status` when a rule sets it (set-status, return): its own word,
 * else its class's ("Client Error"), else "Other".
 */
export function statusReason(status: number): string {
  const p = PHRASES[status];
  if (p !== undefined) return typeof p === "string" ? p : p[0];
  return CLASSES[Math.floor(status / 100) - 1] ?? "Other";
}

/**
 * The phrase of `status` in the proxy's own messages (error pages, redirects), as HAProxy's are
 * worded ("302 Found", "502 Bad Gateway"); undefined for a status the table does not name.
 */
export function messageReason(status: number): string | undefined {
  const p = PHRASES[status];
  return p === undefined || typeof p === "string" ? p : p[1];
}
