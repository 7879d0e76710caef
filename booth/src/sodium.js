/**
 * The two libsodium constructions a trustee needs, made byte-compatible with
 * the Python reference (src/votecrypt/keyfile.py, which calls libsodium):
 *
 * * a passphrase-protected file, `votecrypt-keyfile/1`: Argon2id v1.3
 *   (crypto_pwhash_argon2id13: one lane, `ops` passes, `mem` bytes) derives a
 *   32-byte key from the passphrase; XSalsa20-Poly1305 (crypto_secretbox_easy:
 *   tag ‖ ciphertext) seals the JSON;
 * * an anonymous sealed box (crypto_box_seal): ephemeral X25519 public key ‖
 *   crypto_box_easy(message, nonce = BLAKE2b-24(epk ‖ recipient pk)), where
 *   crypto_box's key is HSalsa20(X25519(sk, pk), 0^16).
 *
 * Only library primitives are used: X25519 from @noble/curves, BLAKE2b and
 * Argon2id from @noble/hashes, HSalsa20 and XSalsa20-Poly1305 from
 * @noble/ciphers; randomness is crypto.getRandomValues.
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { argon2idAsync } from '@noble/hashes/argon2.js';
import { blake2b } from '@noble/hashes/blake2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { hsalsa, xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { bytesToHex, concat, hexToBytes } from './votecrypt.js';

export const KEYFILE_VERSION = 'votecrypt-keyfile/1';
/** Browser-made files: 3 passes over 64 MiB (libsodium's MODERATE is 3 over
 *  256 MiB, too much for a phone's browser tab). Python accepts both. */
export const BROWSER_OPS = 3;
export const BROWSER_MEM = 64 * 1024 * 1024;
// The limits any file may ask for (as votecrypt.keyfile): a hostile file must
// not make the browser allocate gigabytes.
const MIN_OPS = 1; const MAX_OPS = 16;
const MIN_MEM = 8192; const MAX_MEM = 1024 * 1024 * 1024;
const SALT = 16; const NONCE = 24; const MAC = 16; const BOX_KEY = 32;
const utf8 = new TextEncoder();

/** A file that cannot be opened, with a message fit to show the trustee. */
export class KeyFileError extends Error {
  constructor(message) { super(message); this.name = 'KeyFileError'; }
}

function keyParams(ops, mem) {
  if (!Number.isSafeInteger(ops) || !Number.isSafeInteger(mem) || ops < MIN_OPS || ops > MAX_OPS
      || mem < MIN_MEM || mem > MAX_MEM || mem % 1024) {
    throw new KeyFileError('not a votecrypt key file (unusual key-derivation limits)');
  }
  return { t: ops, m: mem / 1024, p: 1, dkLen: 32, version: 0x13 };
}

async function derive(passphrase, salt, ops, mem) {
  if (typeof passphrase !== 'string' || [...passphrase].length < 12) {
    throw new KeyFileError('the passphrase must be at least 12 characters');
  }
  return argon2idAsync(utf8.encode(passphrase), salt, keyParams(ops, mem));
}

/** Seal a JSON-serialisable value with the passphrase (= keyfile.seal). */
export async function sealFile(value, passphrase, { ops = BROWSER_OPS, mem = BROWSER_MEM } = {}) {
  const salt = randomBytes(SALT); const nonce = randomBytes(NONCE);
  const key = await derive(passphrase, salt, ops, mem);
  const box = xsalsa20poly1305(key, nonce).encrypt(utf8.encode(JSON.stringify(value)));
  return {
    version: KEYFILE_VERSION, kdf: 'argon2id13', ops, mem,
    salt: bytesToHex(salt), nonce: bytesToHex(nonce), box: bytesToHex(box),
  };
}

/** Open a sealed file (= keyfile.open_sealed); the same messages as Python. */
export async function openFile(data, passphrase) {
  let salt; let nonce; let box;
  try {
    if (data === null || typeof data !== 'object' || data.version !== KEYFILE_VERSION || data.kdf !== 'argon2id13') {
      throw new Error('wrong version');
    }
    salt = hexToBytes(data.salt, 'x'); nonce = hexToBytes(data.nonce, 'x'); box = hexToBytes(data.box, 'x');
  } catch (e) {
    throw new KeyFileError('not a votecrypt key file');
  }
  if (salt.length !== SALT || nonce.length !== NONCE || box.length < MAC) throw new KeyFileError('not a votecrypt key file');
  const key = await derive(passphrase, salt, data.ops, data.mem);
  let plain;
  try {
    plain = xsalsa20poly1305(key, nonce).decrypt(box);
  } catch (e) {
    throw new KeyFileError('wrong passphrase, or the file was changed');
  }
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain));
}

// --- sealed boxes ---------------------------------------------------------------

const SIGMA = utf8.encode('expand 32-byte k');
const words = (b) => new Uint32Array(Uint8Array.from(b).buffer); // an aligned copy, native order

/** crypto_box_beforenm: HSalsa20 of the X25519 shared secret (noble refuses
 *  a low-order public key, as libsodium does). */
function beforenm(publicKey, secretKey) {
  const out = new Uint32Array(8);
  hsalsa(words(SIGMA), words(x25519.getSharedSecret(secretKey, publicKey)), new Uint32Array(4), out);
  return new Uint8Array(out.buffer);
}

const sealNonce = (epk, pk) => blake2b(concat([epk, pk]), { dkLen: NONCE });

function boxKey(hex, what) {
  let b;
  try { b = hexToBytes(hex, 'x'); } catch (e) { b = null; }
  if (!b || b.length !== BOX_KEY) throw new KeyFileError(`not a box ${what} key`);
  return b;
}

/** (public, secret) X25519 keys, hex (= keyfile.box_keypair). */
export function boxKeypair() {
  const secret = randomBytes(BOX_KEY);
  return { public: bytesToHex(x25519.getPublicKey(secret)), secret: bytesToHex(secret) };
}

/** crypto_box_seal of `message` (bytes) to `publicHex`; hex (= keyfile.seal_to). */
export function sealTo(publicHex, message) {
  const pk = boxKey(publicHex, 'public');
  const esk = randomBytes(BOX_KEY);
  const epk = x25519.getPublicKey(esk);
  let box;
  try {
    box = xsalsa20poly1305(beforenm(pk, esk), sealNonce(epk, pk)).encrypt(message);
  } catch (e) {
    throw new KeyFileError('not a usable box public key');
  }
  return bytesToHex(concat([epk, box]));
}

/** crypto_box_seal_open (= keyfile.open_box): the message bytes. */
export function openBox(publicHex, secretHex, sealedHex) {
  const pk = boxKey(publicHex, 'public'); const sk = boxKey(secretHex, 'secret');
  let sealed;
  try { sealed = hexToBytes(sealedHex, 'x'); } catch (e) { sealed = new Uint8Array(0); }
  if (sealed.length < BOX_KEY + MAC) throw new KeyFileError('not a sealed share');
  const epk = sealed.subarray(0, BOX_KEY);
  try {
    return xsalsa20poly1305(beforenm(epk, sk), sealNonce(epk, pk)).decrypt(sealed.subarray(BOX_KEY));
  } catch (e) {
    throw new KeyFileError('a share addressed to you does not open: it was changed, or not sealed to you');
  }
}
