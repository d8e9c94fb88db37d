/** HAProxy's predefined ACLs (TRUE, LOCALHOST, METH_GET, ...), compiled on first use. */
import { type Acl, buildAclTest, tokenized } from "./acl.ts";

/** Name → the ACL's criterion and patterns, as HAProxy defines them (plus METH_PUT, METH_DELETE). */
export const PREDEFINED_ACLS: Readonly<Record<string, string>> = {
  TRUE: "always_true",
  FALSE: "always_false",
  // HAProxy's is 127.0.0.1/8 only; ::1 added since listeners here may be IPv6.
  LOCALHOST: "src 127.0.0.1/8 ::1",
  HTTP: "req.proto_http",
  "HTTP_1.0": "req.ver 1.0",
  "HTTP_1.1": "req.ver 1.1",
  METH_CONNECT: "method CONNECT",
  METH_DELETE: "method DELETE",
  METH_GET: "method GET HEAD",
  METH_HEAD: "method HEAD",
  METH_OPTIONS: "method OPTIONS",
  METH_POST: "method POST",
  METH_PUT: "method PUT",
  METH_TRACE: "method TRACE",
  HTTP_URL_ABS: "url_reg ^[^/:]*://",
  HTTP_URL_SLASH: "url_beg /",
  HTTP_URL_STAR: "url *",
  HTTP_CONTENT: "hdr_val(content-length) gt 0",
  REQ_CONTENT: "req.len gt 0",
  WAIT_END: "wait_end",
};

const compiled = new Map<string, Acl>();

/** The predefined ACL `name`, or undefined when there is none. */
export function predefinedAcl(name: string): Acl | undefined {
  const known = compiled.get(name);
  if (known) return known;
  if (!Object.hasOwn(PREDEFINED_ACLS, name)) return undefined;
  const { test, use } = buildAclTest(tokenized(PREDEFINED_ACLS[name]!, {}), {});
  const acl: Acl = { name, test, uses: [use] };
  compiled.set(name, acl);
  return acl;
}
