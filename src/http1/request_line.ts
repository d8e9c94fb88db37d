/** The request-line and Host checks of the HTTP/1 parser, public for the HTTP/2 normalizer: what it forwards, an HTTP/1 server must read the same way. */
export { isToken } from "./_chars.ts";
export { isHostPort, isHostValue, targetProblem } from "./_uri.ts";
