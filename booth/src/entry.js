// Bundle entry: exposes window.UnionhallBooth for the booth page (IIFE build),
// and window.UnionhallCredentials (voter credentials, §10).
import { encryptBallot, fingerprint, VERSION } from './votecrypt.js';
import { normaliseCode, publicCredential, signBallot, verifyBallotSignature } from './credentials.js';

const api = Object.freeze({
  version: VERSION,
  /** (manifestJson, jointKeyHex, alias, choices) -> {ballot, auditSecrets, tracker}.
   *  Always uses crypto.getRandomValues: there is deliberately no way to pass an rng here. */
  encryptBallot: (manifestJson, jointKeyHex, alias, choices) =>
    encryptBallot(manifestJson, jointKeyHex, alias, choices),
  /** (manifestJson) -> manifest fingerprint F, lower-case hex. */
  fingerprint: (manifestJson) => fingerprint(manifestJson),
});

const credentials = Object.freeze({
  /** (code) -> the 15 canonical characters; throws {reason: 'bad-code'} when mistyped. */
  normaliseCode: (code) => normaliseCode(code),
  /** (manifestJson, code) -> public credential hex. */
  publicCredential: (manifestJson, code) => publicCredential(manifestJson, code),
  /** (manifestJson, jointKeyHex, ballot, code) -> {credential, signature}; random nonce only. */
  signBallot: (manifestJson, jointKeyHex, ballot, code) => signBallot(manifestJson, jointKeyHex, ballot, code),
  /** (manifestJson, jointKeyHex, ballot, credentialHex, signature) -> bool. */
  verifyBallotSignature: (m, k, b, c, s) => verifyBallotSignature(m, k, b, c, s),
});

Object.defineProperty(globalThis, 'UnionhallBooth', { value: api, enumerable: true });
Object.defineProperty(globalThis, 'UnionhallCredentials', { value: credentials, enumerable: true });
