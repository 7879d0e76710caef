/**
 * Voter credentials (docs/election-record.md §10): the browser half of the
 * Python reference `votecrypt.credentials`, byte for byte.
 *
 * A member types the code from the credential authority's letter; the private
 * scalar x = Hc("credential", F, code) never leaves the page; the ballot is
 * signed with a compact Schnorr signature [c, v],
 * c = Hc("ballot-signature", F, ballot fingerprint, P, v·G − c·P).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import {
  VotecryptError, L, mod, challenge, mulBase, mul, decodePoint, decodeScalar, encodeScalar,
  encodePoint, hexToBytes, bytesToHex, randomScalar, fingerprint, verifyBallot, digest,
} from './votecrypt.js';

export const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const CODE_DATA = 14;
const CODE_LENGTH = 15;
const READ_AS = { 0: 'O', 1: 'I', 8: 'B' };
const ascii = new TextEncoder();

function checkChar(data) {
  const h = sha256(ascii.encode(`unionhall/credential-code/1${data}`));
  return ALPHABET[h[0] >> 3];
}

/** The 15 canonical characters of a typed code; throws reason 'bad-code'. */
export function normaliseCode(code) {
  if (typeof code !== 'string') throw new VotecryptError('bad-code', 'not text');
  let c = '';
  for (const ch of code.toUpperCase()) {
    if (' -\t\n'.includes(ch)) continue;
    c += READ_AS[ch] || ch;
  }
  if (c.length !== CODE_LENGTH || [...c].some((ch) => !ALPHABET.includes(ch))) {
    throw new VotecryptError('bad-code', `a code has ${CODE_LENGTH} letters and digits`);
  }
  if (checkChar(c.slice(0, CODE_DATA)) !== c[CODE_DATA]) {
    throw new VotecryptError('bad-code', 'the check character does not match: a character was mistyped');
  }
  return c;
}

function fingerprintBytes(manifestJson) { return hexToBytes(fingerprint(manifestJson), 'malformed'); }

/** x = Hc("credential", F, code). */
export function deriveSecret(Fbytes, code) {
  const x = challenge('credential', Fbytes, normaliseCode(code));
  if (x === 0n) throw new VotecryptError('bad-code', 'degenerate code');
  return x;
}

/** The public credential (hex) a code gives in this election. */
export function publicCredential(manifestJson, code) {
  return encodePoint(mulBase(deriveSecret(fingerprintBytes(manifestJson), code)));
}

/** §6.4 ballot fingerprint of a ballot JSON, after strict decoding and its proofs. */
function ballotFingerprint(manifestJson, jointKeyHex, ballot) {
  verifyBallot(manifestJson, jointKeyHex, ballot);
  const items = [hexToBytes(ballot.election, 'malformed'), ballot.alias];
  for (const q of ballot.questions) {
    items.push(q.id);
    q.ct.forEach((c, i) => {
      items.push(hexToBytes(c[0], 'malformed'), hexToBytes(c[1], 'malformed'),
        ...q.proofs[i].map((s) => hexToBytes(s, 'malformed')));
    });
    if (q.sum) items.push(...q.sum.map((s) => hexToBytes(s, 'malformed')));
  }
  return digest('ballot', ...items);
}

export function schnorrSign(domain, ctx, x, nonce = null) {
  const P = mulBase(x).toBytes();
  for (;;) {
    const w = nonce !== null ? nonce : randomScalar();
    const c = challenge(domain, ...ctx, P, mulBase(w).toBytes());
    const v = mod(w + c * x);
    if (c !== 0n && v !== 0n) return [c, v];
    if (nonce !== null) throw new VotecryptError('malformed', 'degenerate nonce');
  }
}

export function schnorrVerify(domain, ctx, Ppoint, c, v) {
  if (c === 0n || v === 0n) return false;
  const A = mulBase(v).subtract(mul(c, Ppoint));
  return challenge(domain, ...ctx, Ppoint.toBytes(), A.toBytes()) === c;
}

/**
 * Sign a ballot with the member's code. Returns {credential, signature}, the
 * JSON Python's credentials.check_ballot_signature_json accepts.
 * `opts.nonce` (test vectors only) fixes the signature nonce (a BigInt in [1, L)).
 */
export function signBallot(manifestJson, jointKeyHex, ballot, code, opts = {}) {
  const F = fingerprintBytes(manifestJson);
  const x = deriveSecret(F, code);
  const fp = ballotFingerprint(manifestJson, jointKeyHex, ballot);
  const [c, v] = schnorrSign('ballot-signature', [F, fp], x, opts.nonce ?? null);
  return { credential: encodePoint(mulBase(x)), signature: [encodeScalar(c), encodeScalar(v)] };
}

/** True iff `signature` is a valid signature of `ballot` by public credential `credential`. */
export function verifyBallotSignature(manifestJson, jointKeyHex, ballot, credential, signature) {
  try {
    const F = fingerprintBytes(manifestJson);
    const fp = ballotFingerprint(manifestJson, jointKeyHex, ballot);
    if (!Array.isArray(signature) || signature.length !== 2) return false;
    const [c, v] = signature.map(decodeScalar);
    return schnorrVerify('ballot-signature', [F, fp], decodePoint(credential), c, v);
  } catch (e) {
    if (e instanceof VotecryptError) return false;
    throw e;
  }
}

export { L, bytesToHex };
