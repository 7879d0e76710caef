// Bundle entry: exposes window.UnionhallTrustee for the trustee page (IIFE build).
// Randomness is always crypto.getRandomValues: no function here takes an rng.
import {
  ceremonyFingerprint, checkPublic, commitmentDigest, decryptionShare, decryptionShares, dkgCommit, jointKey,
  keygenFinish, keygenReveal, keygenShares, keygenStart, seedCommitment, verifyDecryptionShare, verifyShare,
} from './trustee.js';
import {
  BROWSER_MEM, BROWSER_OPS, KEYFILE_VERSION, boxKeypair, openBox, openFile, sealFile, sealTo,
} from './sodium.js';
import { VERSION } from './votecrypt.js';

// Only the key-derivation cost may be chosen (tests use a cheap one); never the randomness.
const limits = (opts) => ({ ops: (opts && opts.ops) || BROWSER_OPS, mem: (opts && opts.mem) || BROWSER_MEM });
const utf8 = new TextEncoder();

const api = Object.freeze({
  version: VERSION,
  keyFileVersion: KEYFILE_VERSION,
  /** The ceremony rounds: the same inputs and outputs as unionhall-trustee keygen-*. */
  keygenStart: (ceremony, passphrase, opts) => keygenStart(ceremony, passphrase, limits(opts)),
  keygenReveal: (ceremony, stateFile, passphrase) => keygenReveal(ceremony, stateFile, passphrase),
  keygenShares: (ceremony, stateFile, passphrase) => keygenShares(ceremony, stateFile, passphrase),
  keygenFinish: (ceremony, stateFile, passphrase, opts) => keygenFinish(ceremony, stateFile, passphrase, limits(opts)),
  ceremonyFingerprint: (ceremony) => ceremonyFingerprint(ceremony),
  /** Decryption shares for a tallies file (= unionhall-trustee share): {area: share}. */
  decryptionShares: (tallies, keyFile, passphrase) => decryptionShares(tallies, keyFile, passphrase),
  // Building blocks, for the cross-language tests.
  dkgCommit: (manifest, index) => dkgCommit(manifest, index),
  checkPublic: (manifest, pub) => { checkPublic(manifest, pub); return true; },
  verifyShare: (manifest, pub, recipient, share) => verifyShare(manifest, pub, recipient, share),
  jointKey: (publics) => jointKey(publics),
  commitmentDigest: (manifest, pub) => commitmentDigest(manifest, pub),
  seedCommitment: (manifest, index, value) => seedCommitment(manifest, index, value),
  decryptionShare: (manifest, joint, key, tally) => decryptionShare(manifest, joint, key, tally),
  verifyDecryptionShare: (manifest, joint, publics, tally, share) => verifyDecryptionShare(manifest, joint, publics, tally, share),
  sealFile: (value, passphrase, opts) => sealFile(value, passphrase, limits(opts)),
  openFile: (file, passphrase) => openFile(file, passphrase),
  boxKeypair: () => boxKeypair(),
  sealTo: (publicHex, text) => sealTo(publicHex, utf8.encode(text)),
  openBox: (publicHex, secretHex, sealedHex) => new TextDecoder().decode(openBox(publicHex, secretHex, sealedHex)),
});

Object.defineProperty(globalThis, 'UnionhallTrustee', { value: api, enumerable: true });
