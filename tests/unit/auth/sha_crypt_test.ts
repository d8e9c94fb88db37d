/** Tests for crypt(3)'s $5$ and $6$ schemes against the vectors of Drepper's specification. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { shaCrypt, verifyCrypt } from "../../../src/auth/sha_crypt.ts";

test("shaCrypt() gives the specification's SHA-512 and SHA-256 vectors", () => {
  assert.equal(
    shaCrypt("Hello world!", "$6$saltstring"),
    "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
  );
  assert.equal(
    shaCrypt("Hello world!", "$6$rounds=10000$saltstringsaltstring"),
    "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.",
  );
  assert.equal(
    shaCrypt("Hello world!", "$5$saltstring"),
    "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5",
  );
});

test("verifyCrypt() accepts the password and refuses others and unknown schemes", () => {
  const hash = shaCrypt("s3cret", "$6$abcdefgh")!;
  assert.equal(verifyCrypt("s3cret", hash), true);
  assert.equal(verifyCrypt("s3cret!", hash), false);
  assert.equal(verifyCrypt("x", "$1$abc$def"), false);
});
