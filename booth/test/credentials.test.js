// Node tests: booth/src/credentials.js against Python-made vectors (test/make_credential_vectors.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { normaliseCode, publicCredential, signBallot, verifyBallotSignature } from '../src/credentials.js';
import { decodeScalar } from '../src/votecrypt.js';

const V = JSON.parse(readFileSync(new URL('./credential-vectors.json', import.meta.url), 'utf8'));

for (const c of V.cases) {
  test(`same public credential and signature as Python: ${c.name}`, () => {
    assert.equal(publicCredential(c.manifest, c.code), c.credential);
    assert.equal(publicCredential(c.manifest, c.typed), c.credential);
    const r = signBallot(c.manifest, c.joint_key, c.ballot, c.code, { nonce: decodeScalar(c.nonce) });
    assert.equal(r.credential, c.credential);
    assert.deepEqual(r.signature, c.signature);
  });

  test(`verifies Python's signature, refuses changes: ${c.name}`, () => {
    const ok = (b, cred, sig) => verifyBallotSignature(c.manifest, c.joint_key, b, cred, sig);
    assert.equal(ok(c.ballot, c.credential, c.signature), true);
    assert.equal(ok(c.ballot, c.other_credential, c.signature), false);
    const s2 = [c.signature[0], c.signature[1].slice(0, 2) === '00' ? `01${c.signature[1].slice(2)}` : `00${c.signature[1].slice(2)}`];
    assert.equal(ok(c.ballot, c.credential, s2), false);
    const b2 = structuredClone(c.ballot); b2.alias = 'm0000043';
    assert.equal(ok(b2, c.credential, c.signature), false);
    // a fresh (random-nonce) JS signature verifies too
    const r = signBallot(c.manifest, c.joint_key, c.ballot, c.code);
    assert.equal(ok(c.ballot, r.credential, r.signature), true);
  });
}

test('codes: canonical form, read-as, refusals', () => {
  assert.equal(normaliseCode(V.read_as.typed), V.read_as.code);
  for (const bad of V.bad_codes) assert.throws(() => normaliseCode(bad), (e) => e.reason === 'bad-code');
});
