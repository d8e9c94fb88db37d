/** TLS fetches (ssl_fc_*, ssl_c_*): read from the client connection's TLS facts; absent on plain connections. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  compileSample,
  formatRuleError,
  type SampleContext,
  type Value,
} from "../../../src/rules/mod.ts";
import { l4Context } from "./context.ts";

function value(text: string, ctx: SampleContext): Value | undefined {
  const r = compileSample(text);
  assert.ok(r.ok, r.ok ? "" : formatRuleError(r.error));
  return r.sample.value(ctx);
}

const tls = l4Context({
  tls: {
    sni: "a.example",
    alpn: "http/1.1",
    protocol: "TLSv1.3",
    cipher: "TLS_AES_256_GCM_SHA384",
    clientCert: { used: true, verify: 0, subjectDN: "/C=FR/O=Acme/CN=client1" },
  },
});
const plain = l4Context();

test("ssl_fc and the ssl_fc_* fetches read the handshake's facts", () => {
  assert.equal(value("ssl_fc", tls), true);
  assert.equal(value("ssl_fc_has_sni", tls), true);
  assert.equal(value("ssl_fc_sni", tls), "a.example");
  assert.equal(value("ssl_fc_alpn", tls), "http/1.1");
  assert.equal(value("ssl_fc_protocol", tls), "TLSv1.3");
  assert.equal(value("ssl_fc_cipher", tls), "TLS_AES_256_GCM_SHA384");
});

test("ssl_c_* fetches read the client certificate", () => {
  assert.equal(value("ssl_c_used", tls), true);
  assert.equal(value("ssl_c_verify", tls), 0);
  assert.equal(value("ssl_c_s_dn", tls), "/C=FR/O=Acme/CN=client1");
  const noCert = l4Context({ tls: { protocol: "TLSv1.2", cipher: "ECDHE-RSA-AES128-GCM-SHA256" } });
  assert.equal(value("ssl_c_used", noCert), false);
  assert.equal(value("ssl_c_verify", noCert), 0);
  assert.equal(value("ssl_c_s_dn", noCert), undefined);
  assert.equal(value("ssl_fc_sni", noCert), undefined);
});

test("on a plain connection ssl_fc is false and the others have no value", () => {
  assert.equal(value("ssl_fc", plain), false);
  for (const f of ["ssl_fc_sni", "ssl_fc_alpn", "ssl_fc_protocol", "ssl_c_used", "ssl_c_s_dn"]) {
    assert.equal(value(f, plain), undefined, f);
  }
});

test("ssl_fc_sni goes through converters like any string", () => {
  assert.equal(value("ssl_fc_sni,upper", tls), "A.EXAMPLE");
});

test("ssl_c_s_dn(entry[,occ]) picks an entry of the subject, as HAProxy's; fc_pp_authority reads the PROXY TLV", () => {
  const two = l4Context({
    tls: {
      ...tls.tls!,
      clientCert: { used: true, verify: 0, subjectDN: "/O=Acme/OU=a/OU=b/CN=c1" },
    },
  });
  assert.equal(value("ssl_c_s_dn(cn)", tls), "client1");
  assert.equal(value("ssl_c_s_dn(CN)", tls), "client1");
  assert.equal(value("ssl_c_s_dn(OU)", two), "a");
  assert.equal(value("ssl_c_s_dn(OU,2)", two), "b");
  assert.equal(value("ssl_c_s_dn(OU,-1)", two), "b");
  assert.equal(value("ssl_c_s_dn(OU,3)", two), undefined);
  assert.equal(value("ssl_c_s_dn(L)", two), undefined);
  assert.equal(value("ssl_c_s_dn(cn)", plain), undefined);
  assert.equal(compileSample("ssl_c_s_dn(cn,0)").ok, false);
  assert.equal(value("fc_pp_authority", l4Context({ ppAuthority: "api.example" })), "api.example");
  assert.equal(value("fc_pp_authority", plain), undefined);
});
