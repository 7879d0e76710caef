// Node tests: booth/src/trustee.js and sodium.js against Python-made vectors
// (test/make_trustee_vectors.py): byte-identical proofs with Python's seeded
// randomness, and libsodium's sealed boxes and key files opened here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sha512 } from '@noble/hashes/sha2.js';
import { L } from '../src/votecrypt.js';
import {
  ceremonyFingerprint, checkPublic, commitmentDigest, decryptionShare, dkgCommit, dkgShare, jointKey, seedCommitment,
  verifyDecryptionShare, verifyShare,
} from '../src/trustee.js';
import { boxKeypair, openBox, openFile, sealFile, sealTo } from '../src/sodium.js';

const V = JSON.parse(readFileSync(new URL('./trustee-vectors.json', import.meta.url), 'utf8'));
const FAST = { ops: 1, mem: 8192 };
const utf8 = new TextEncoder();

/** Python's votecrypt.rng.SeededRng. */
function seededRng(seed) {
  const s = utf8.encode(String(seed));
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

test('round 1 is byte-identical to Python with the same seeded randomness', () => {
  for (const i of [1, 2, 3]) {
    const [secret, pub] = dkgCommit(V.manifest, i, seededRng(V.seeds[i]));
    assert.deepEqual(secret, V.secrets[i - 1]);
    assert.deepEqual(pub, V.publics[i - 1]);
  }
});

test("Python's commitments and shares verify; tampered ones do not", () => {
  for (const p of V.publics) checkPublic(V.manifest, p);
  assert.equal(dkgShare(V.secrets[0], 2), V.share_1_for_2);
  assert.ok(verifyShare(V.manifest, V.publics[0], 2, V.share_1_for_2));
  assert.ok(!verifyShare(V.manifest, V.publics[0], 3, V.share_1_for_2));
  assert.equal(jointKey(V.publics), V.joint_key);
  const relabelled = { ...V.publics[0], index: 2 };
  assert.throws(() => checkPublic(V.manifest, relabelled), /bad proof for coefficient 0/);
  const extra = { ...V.publics[0], note: 'x' };
  assert.throws(() => checkPublic(V.manifest, extra), /malformed/);
});

test('decryption shares are byte-identical to Python with the same seeded randomness', () => {
  for (const d of V.decryption) {
    assert.deepEqual(decryptionShare(V.manifest, V.joint_key, d.key, d.tally, seededRng(d.seed)), d.share);
  }
});

test('the ceremony fingerprint is the CLI one', () => {
  assert.equal(ceremonyFingerprint(V.ceremony), V.ceremony_fingerprint);
  const swapped = structuredClone(V.ceremony);
  swapped.trustees[1].box_public = V.ceremony.trustees[2].box_public;
  assert.notEqual(ceremonyFingerprint(swapped), V.ceremony_fingerprint);
});

test('commitment digests and tie-lot commitments are the Python ones', () => {
  for (const i of [1, 2, 3]) {
    assert.equal(commitmentDigest(V.manifest, V.publics[i - 1]), V.digests[i].commitment_digest);
    assert.equal(seedCommitment(V.manifest, i, V.seed_values[i]), V.digests[i].seed_commitment);
  }
  assert.notEqual(seedCommitment(V.manifest, 2, V.seed_values[1]), V.digests[1].seed_commitment);
  assert.throws(() => seedCommitment(V.manifest, 1, 'AB'.repeat(32)), /64 lower-case hex/);
});

test("libsodium's sealed box opens here, and ours opens with the same keys", () => {
  const b = V.box;
  assert.equal(new TextDecoder().decode(openBox(b.public, b.secret, b.sealed)), b.message);
  const again = sealTo(b.public, utf8.encode(b.message));
  assert.equal(new TextDecoder().decode(openBox(b.public, b.secret, again)), b.message);
  const flipped = b.sealed.slice(0, -2) + (b.sealed.endsWith('00') ? '01' : '00');
  assert.throws(() => openBox(b.public, b.secret, flipped), /does not open/);
  const other = boxKeypair();
  assert.throws(() => openBox(other.public, other.secret, b.sealed), /does not open/);
});

test("libsodium's key file opens here; ours round-trips; wrong passphrase refused", async () => {
  const k = V.keyfile;
  assert.deepEqual(await openFile(k.file, k.passphrase), k.content);
  await assert.rejects(openFile(k.file, 'not the right passphrase'), /wrong passphrase, or the file was changed/);
  const mine = await sealFile(k.content, k.passphrase, FAST);
  assert.deepEqual(await openFile(mine, k.passphrase), k.content);
  await assert.rejects(sealFile(k.content, 'short', FAST), /at least 12/);
  await assert.rejects(openFile({ ...k.file, mem: 2 ** 40 }, k.passphrase), /not a votecrypt key file/);
});

test("Python's decryption shares verify here; a changed byte does not", () => {
  for (const d of V.decryption) {
    assert.ok(verifyDecryptionShare(V.manifest, V.joint_key, V.publics, d.tally, d.share));
    const t = structuredClone(d.share);
    t.proofs[1][0] = (t.proofs[1][0][0] === '0' ? '1' : '0') + t.proofs[1][0].slice(1);
    assert.ok(!verifyDecryptionShare(V.manifest, V.joint_key, V.publics, d.tally, t));
    assert.ok(!verifyDecryptionShare(V.manifest, V.joint_key, V.publics, d.tally, { ...d.share, index: 2 }));
  }
});
