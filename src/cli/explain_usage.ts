/** `tsproxy explain`'s options and help text, apart from its code (which loads the config checker). */

/** The command's options, for cli.ts's parseArgs. */
export const EXPLAIN_OPTIONS = {
  config: { type: "string", short: "c" },
  header: { type: "string", short: "H", multiple: true },
  src: { type: "string" },
  dst: { type: "string" },
  sni: { type: "string" },
  frontend: { type: "string" },
  raw: { type: "string" },
  json: { type: "boolean" },
} as const;

export const EXPLAIN_USAGE =
  `Usage: tsproxy explain -c FILE 'METHOD TARGET [HTTP/1.x]' [-H 'Name: value']... [options]
       tsproxy explain -c FILE --raw REQUEST_FILE [options]

A dry run: what the proxy would do with one HTTP request, without opening a socket. Prints the
frontend that takes it, each ACL and rule in order with its result and the values it read, the
backend and the server the balancer picks (exactly for hashes; otherwise where it starts), every
header rewrite and the head sent to the server, or the answer the proxy gives itself (deny,
return, redirect, tarpit, auth). Exits 0 once explained.

Options:
  -c, --config FILE   config file (.yaml, .yml, .json, .ts, or a haproxy .cfg)
  -H, --header FIELD  a request header, "Name: value" (repeatable)
  --src IP            the client's address (default 127.0.0.1)
  --dst ADDR:PORT     the address the client connected to (picks the frontend by its bind)
  --sni NAME          the TLS server name sent (the connection is then TLS)
  --frontend NAME     the frontend to use (default: by --dst, else the first HTTP one)
  --raw FILE          a raw request head (CRLF or LF lines) instead of a request line
  --json              print the explanation as JSON
  -h, --help          show this help
`;
