// Bundle entry: exposes window.UnionhallBooth for the booth page (IIFE build).
import { encryptBallot, fingerprint, VERSION } from './votecrypt.js';

const api = Object.freeze({
  version: VERSION,
  /** (manifestJson, jointKeyHex, alias, choices) -> {ballot, auditSecrets, tracker}.
   *  Always uses crypto.getRandomValues: there is deliberately no way to pass an rng here. */
  encryptBallot: (manifestJson, jointKeyHex, alias, choices) =>
    encryptBallot(manifestJson, jointKeyHex, alias, choices),
  /** (manifestJson) -> manifest fingerprint F, lower-case hex. */
  fingerprint: (manifestJson) => fingerprint(manifestJson),
});

Object.defineProperty(globalThis, 'UnionhallBooth', { value: api, enumerable: true });
