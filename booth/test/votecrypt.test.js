// Node tests: booth/src/votecrypt.js against Python-made vectors (test/make_vectors.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sha512 } from '@noble/hashes/sha2.js';
import {
  L, encryptBallot, verifyBallot, fingerprint, decodePoint, decodeScalar, randomScalar,
} from '../src/votecrypt.js';

const V = JSON.parse(readFileSync(new URL('./vectors.json', import.meta.url), 'utf8'));

/** Python's votecrypt.rng.SeededRng: SHA-512(seed ‖ n as 8-byte BE), LE, mod (L−1) + 1. */
function seededRng(seed) {
  const s = new TextEncoder().encode(String(seed));
  let n = 0n;
  return () => {
    n += 1n;
    const buf = new Uint8Array(s.length + 8);
    buf.set(s);
    new DataView(buf.buffer).setBigUint64(s.length, n, false);
    const h = sha512(buf);
    let x = 0n;
    for (let i = h.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(h[i]);
    return (x % (L - 1n)) + 1n;
  };
}

for (const c of V.cases) {
  test(`byte-identical to Python with SeededRng: ${c.name}`, () => {
    assert.equal(fingerprint(c.manifest), c.fingerprint);
    assert.equal(fingerprint(JSON.stringify(c.manifest)), c.fingerprint);
    const r = encryptBallot(c.manifest, c.joint_key, c.alias, c.choices, { rng: seededRng(c.seed) });
    assert.deepEqual(r.ballot, c.ballot);
    assert.deepEqual(r.auditSecrets, c.audit_secrets);
    assert.equal(r.tracker, c.tracker);
  });

  test(`JS verifies the Python ballot and rejects tampering: ${c.name}`, () => {
    assert.equal(verifyBallot(c.manifest, c.joint_key, c.ballot).tracker, c.tracker);
    const t = structuredClone(c.ballot);
    const p = t.questions[0].proofs[0];
    p[1] = (p[1][0] === '0' ? '1' : '0') + p[1].slice(1);
    assert.throws(() => verifyBallot(c.manifest, c.joint_key, t), (e) => e.reason === 'bad-proof' || e.reason === 'scalar-range');
    assert.throws(() => verifyBallot(c.manifest, c.joint_key, c.ballot, 'someone-else'), (e) => e.reason === 'wrong-voter');
  });
}

test('fresh randomness: verifies, and differs run to run', () => {
  const c = V.cases.find((x) => x.name === 'all');
  const a = encryptBallot(c.manifest, c.joint_key, c.alias, c.choices);
  const b = encryptBallot(c.manifest, c.joint_key, c.alias, c.choices);
  assert.equal(verifyBallot(c.manifest, c.joint_key, a.ballot).tracker, a.tracker);
  assert.notEqual(a.tracker, b.tracker);
  for (let i = 0; i < 100; i++) { const k = randomScalar(); assert.ok(k >= 1n && k < L); }
});

test('point decoding reasons match Python', () => {
  for (const [hex, reason] of V.points) {
    let got = 'ok';
    try { decodePoint(hex); } catch (e) { got = e.reason; }
    assert.equal(got, reason, hex);
  }
});

test('scalar decoding reasons match Python', () => {
  for (const [hex, reason] of V.scalars) {
    let got = 'ok';
    try { decodeScalar(hex); } catch (e) { got = e.reason; }
    assert.equal(got, reason, hex);
  }
});

test('invalid inputs are refused', () => {
  const c = V.cases.find((x) => x.name === 'one-of-4');
  const bad = (choices) => assert.throws(() => encryptBallot(c.manifest, c.joint_key, c.alias, choices), (e) => e.reason === 'invalid-choices');
  bad([[1, 1, 0, 0]]); bad([[0, 0, 0, 0]]); bad([[1, 0, 0]]); bad([[true, false, false, false]]); bad([]); bad([['1', 0, 0, 0]]);
  assert.throws(() => encryptBallot(c.manifest, '00'.repeat(32), c.alias, [[1, 0, 0, 0]]), (e) => e.reason === 'identity-point');
  assert.throws(() => fingerprint({ ...c.manifest, extra: 1 }), (e) => e.reason === 'malformed-manifest');
  assert.throws(() => fingerprint({ ...c.manifest, version: 'votecrypt/1' }), (e) => e.reason === 'malformed-manifest');
});
