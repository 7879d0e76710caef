/**
 * A trustee's key ceremony and decryption shares, in the browser.
 *
 * A port of votecrypt.threshold / votecrypt.proofs (prove_dlog, prove_dleq)
 * and of the `unionhall-trustee` steps (src/votecrypt/trustee_cli.py): each
 * round takes the same ceremony file the server gives the command-line tool,
 * and makes the same upload, the same sealed state file and the same key file,
 * so a trustee may use either, round by round. docs/election-record.md §5.2,
 * §5.3 and §6.2 specify the proofs and the key generation.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import {
  VERSION, bytesToHex, canonicalJson, challenge, decodePoint, decodeScalar, digest,
  encodePoint, encodeScalar, fingerprint, hexToBytes, mod, mul, mulBase, parseManifest, randomScalar,
} from './votecrypt.js';
import { KeyFileError, boxKeypair, openBox, openFile, sealFile, sealTo } from './sodium.js';

const IDENTITY = mulBase(0n);
const utf8 = new TextEncoder();
const isObj = (x) => x !== null && typeof x === 'object' && !Array.isArray(x);
const sameKeys = (o, keys) => isObj(o) && Object.keys(o).sort().join() === [...keys].sort().join();

/** A ceremony step refused, with a message fit to show the trustee. */
export class TrusteeError extends Error {
  constructor(message) { super(message); this.name = 'TrusteeError'; }
}

// --- sigma proofs (§5.2, §5.3) ---------------------------------------------------------

/** Schnorr proof of knowledge of x with X = x·G (= proofs.prove_dlog; same draws). */
export function proveDlog(domain, ctx, x, X, rng) {
  for (;;) {
    const w = rng();
    const c = challenge(domain, ...ctx, X.toBytes(), mulBase(w).toBytes());
    const v = mod(w + c * x);
    if (c !== 0n && v !== 0n) return [c, v];
  }
}

export function verifyDlog(domain, ctx, X, [c, v]) {
  return challenge(domain, ...ctx, X.toBytes(), mulBase(v).subtract(mul(c, X)).toBytes()) === c;
}

/** Chaum–Pedersen: X = x·G and Y = x·H (= proofs.prove_dleq; same draws). */
export function proveDleq(domain, ctx, x, H, X, Y, rng) {
  for (;;) {
    const w = rng();
    const c = challenge(domain, ...ctx, H.toBytes(), X.toBytes(), Y.toBytes(), mulBase(w).toBytes(), mul(w, H).toBytes());
    const v = mod(w + c * x);
    if (c !== 0n && v !== 0n) return [c, v];
  }
}

export function verifyDleq(domain, ctx, H, X, Y, [c, v]) {
  const a = mulBase(v).subtract(mul(c, X));
  const b = mul(v, H).subtract(mul(c, Y));
  return challenge(domain, ...ctx, H.toBytes(), X.toBytes(), Y.toBytes(), a.toBytes(), b.toBytes()) === c;
}

// --- key generation (§6.2) ---------------------------------------------------------------

const coefficientCtx = (F, index, t) => [F, index, t];

/** Round 1 maths (= api.dkg_commit): [secret, public], both JSON. */
export function dkgCommit(manifestJson, index, rng = randomScalar) {
  const m = parseManifest(manifestJson);
  if (!Number.isSafeInteger(index) || index < 1 || index > m.json.trustees) throw new TrusteeError('trustee index out of range');
  const coeffs = Array.from({ length: m.json.threshold }, () => rng());
  const comms = coeffs.map(mulBase);
  const proofs = coeffs.map((a, t) => proveDlog('coefficient', coefficientCtx(m.fingerprint, index, t), a, comms[t], rng));
  return [
    { index, coefficients: coeffs.map(encodeScalar) },
    { version: VERSION, index, commitments: comms.map(encodePoint), proofs: proofs.map((p) => p.map(encodeScalar)) },
  ];
}

/** Strictly decode a trustee's round-1 public data and check every proof
 *  (= api.dkg_check_public); returns the commitments as points. */
export function checkPublic(manifestJson, pub) {
  const m = parseManifest(manifestJson);
  const k = m.json.threshold;
  const who = isObj(pub) ? pub.index : '?';
  if (!sameKeys(pub, ['version', 'index', 'commitments', 'proofs']) || pub.version !== VERSION
      || !Number.isSafeInteger(pub.index) || !Array.isArray(pub.commitments) || !Array.isArray(pub.proofs)
      || pub.commitments.length !== k || pub.proofs.length !== k
      || !pub.proofs.every((p) => Array.isArray(p) && p.length === 2)) {
    throw new TrusteeError(`trustee ${who}: malformed public data`);
  }
  if (pub.index < 1 || pub.index > m.json.trustees) throw new TrusteeError(`trustee ${who}: wrong index or commitment count`);
  let comms; let proofs;
  try {
    comms = pub.commitments.map((c) => decodePoint(c));
    proofs = pub.proofs.map((p) => p.map(decodeScalar));
  } catch (e) {
    throw new TrusteeError(`trustee ${who}: malformed public data: ${e.message}`);
  }
  comms.forEach((C, t) => {
    if (!verifyDlog('coefficient', coefficientCtx(m.fingerprint, pub.index, t), C, proofs[t])) {
      throw new TrusteeError(`trustee ${who}: bad proof for coefficient ${t}`);
    }
  });
  return comms;
}

/** f_i(recipient), hex (= api.dkg_share). */
export function dkgShare(secret, recipient) {
  const x = BigInt(recipient);
  let acc = 0n; let pow = 1n;
  for (const a of secret.coefficients) { acc = mod(acc + decodeScalar(a) * pow); pow = mod(pow * x); }
  return encodeScalar(acc);
}

function evalCommitments(comms, x) {
  let acc = IDENTITY; let pow = 1n;
  for (const C of comms) { acc = acc.add(mul(pow, C)); pow = mod(pow * BigInt(x)); }
  return acc;
}

/** Does `shareHex` (f_sender(recipient)) match the sender's commitments? (= api.dkg_check_share) */
export function verifyShare(manifestJson, senderPublic, recipient, shareHex) {
  const comms = checkPublic(manifestJson, senderPublic);
  let s;
  try { s = decodeScalar(shareHex); } catch (e) { return false; }
  return s !== 0n && mulBase(s).equals(evalCommitments(comms, recipient));
}

/** K = Σ_i C_i,0, hex (= api.joint_key); publics must be checked already. */
export function jointKey(publics) {
  return encodePoint(publics.reduce((acc, p) => acc.add(decodePoint(p.commitments[0])), IDENTITY));
}

// --- commit before reveal and the tie-lot seed (§6.2.1, §6.8) ------------------------------

/** Hd("dkg-commitments", F, i, C_i0, …), hex (= ceremony_record.commitment_digest). */
export function commitmentDigest(manifestJson, pub) {
  const comms = checkPublic(manifestJson, pub);
  return bytesToHex(digest('dkg-commitments', parseManifest(manifestJson).fingerprint, pub.index, ...comms.map((c) => c.toBytes())));
}

/** Hd("lot-seed", F, i, v_i), hex (= ceremony_record.seed_commitment). */
export function seedCommitment(manifestJson, index, valueHex) {
  if (typeof valueHex !== 'string' || !/^[0-9a-f]{64}$/.test(valueHex)) throw new TrusteeError('a seed value is 64 lower-case hex characters');
  return bytesToHex(digest('lot-seed', parseManifest(manifestJson).fingerprint, index, hexToBytes(valueHex)));
}

const digestsOf = (manifestJson, state) => ({
  commitment_digest: commitmentDigest(manifestJson, state.public),
  seed_commitment: seedCommitment(manifestJson, state.secret.index, state.seed),
});

// --- the ceremony rounds (= trustee_cli) --------------------------------------------------

const TRUSTEE_KEYS = ['index', 'public', 'box_public', 'commitment_digest', 'seed_commitment'];

function ceremonyTrustees(ceremony) {
  const m = parseManifest(ceremony.manifest);
  const ts = ceremony.trustees;
  if (!Array.isArray(ts) || ts.length !== m.json.trustees
      || !ts.every((t) => sameKeys(t, TRUSTEE_KEYS) && typeof t.box_public === 'string')) {
    throw new TrusteeError('the ceremony file does not list every trustee: download this round again');
  }
  return ts;
}

/** The digest trustees read out to each other (= trustee_cli.ceremony_fingerprint):
 *  SHA-256 of "unionhall/ceremony/2\n" and the compact, key-sorted JSON of the
 *  manifest fingerprint and every [index, public, box key, commitment digest, seed commitment]. */
export function ceremonyFingerprint(ceremony) {
  const trustees = ceremonyTrustees(ceremony).map((t) => [t.index, t.public, t.box_public, t.commitment_digest, t.seed_commitment]);
  trustees.sort((a, b) => a[0] - b[0]);
  const body = canonicalJson({ manifest: fingerprint(ceremony.manifest), trustees });
  if (/[^\x20-\x7e]/.test(body)) throw new TrusteeError('the ceremony file has unexpected characters');
  const hex = bytesToHex(sha256(utf8.encode(`unionhall/ceremony/2\n${body}`)));
  return hex.slice(0, 24).match(/.{4}/g).join('-').toUpperCase();
}

async function openState(ceremony, stateFile, passphrase) {
  const state = await openFile(stateFile, passphrase);
  if (state.manifest_fingerprint !== fingerprint(ceremony.manifest)) throw new KeyFileError('this state belongs to another ballot');
  return state;
}

/** My own entry is what I made, every trustee's proofs verify; the fingerprint. */
function checkCeremony(ceremony, state) {
  const me = state.secret.index;
  const trustees = ceremonyTrustees(ceremony);
  const mine = trustees.find((t) => t.index === me);
  if (!mine || canonicalJson(mine.public) !== canonicalJson(state.public) || mine.box_public !== state.box_public) {
    throw new TrusteeError("the server's copy of your own round-1 data differs from what you made: stop and tell the other trustees");
  }
  if (canonicalJson({ commitment_digest: mine.commitment_digest, seed_commitment: mine.seed_commitment })
      !== canonicalJson(digestsOf(ceremony.manifest, state))) {
    throw new TrusteeError("the server's copy of your own round-1 digest differs from what you made: stop and tell the other trustees");
  }
  for (const t of trustees) {
    if (!isObj(t.public) || t.public.index !== t.index) throw new TrusteeError(`trustee ${t.index}: public data made for another trustee`);
    if (commitmentDigest(ceremony.manifest, t.public) !== t.commitment_digest) {
      throw new TrusteeError(`trustee ${t.index}'s commitments do not match the digest they posted in round 1: tell the ballot's officers`);
    }
  }
  return ceremonyFingerprint(ceremony);
}

/** Round 1 (= keygen-start): {upload, stateFile}; keep stateFile, post upload
 *  (only the digests of the commitments and of the tie-lot value). */
export async function keygenStart(ceremony, passphrase, opts = {}) {
  const [secret, pub] = dkgCommit(ceremony.manifest, ceremony.index, opts.rng);
  const box = boxKeypair();
  const state = {
    manifest_fingerprint: fingerprint(ceremony.manifest), secret, public: pub,
    box_public: box.public, box_secret: box.secret, seed: bytesToHex(randomBytes(32)),
  };
  return { upload: digestsOf(ceremony.manifest, state), stateFile: await sealFile(state, passphrase, opts) };
}

/** Round 2 (= keygen-reveal): show my commitments and box key, only once every
 *  trustee's digests are on the server and mine are what I made; {upload}. */
export async function keygenReveal(ceremony, stateFile, passphrase) {
  const state = await openState(ceremony, stateFile, passphrase);
  const n = parseManifest(ceremony.manifest).json.trustees;
  const digests = Array.isArray(ceremony.digests) ? ceremony.digests.filter(isObj) : [];
  const by = new Map(digests.map((d) => [d.index, d]));
  if (by.size !== n || digests.length !== n || ![...Array(n).keys()].every((i) => by.has(i + 1))) {
    throw new TrusteeError('not every trustee has posted round 1: wait for them before showing your commitments');
  }
  const mine = by.get(state.secret.index);
  if (canonicalJson({ commitment_digest: mine.commitment_digest, seed_commitment: mine.seed_commitment })
      !== canonicalJson(digestsOf(ceremony.manifest, state))) {
    throw new TrusteeError("the server's copy of your round-1 digests differs from what you made: stop and tell the other trustees");
  }
  return { upload: { public: state.public, box_public: state.box_public } };
}

/** Round 3 (= keygen-shares): {upload, fingerprint}; show the fingerprint, then post. */
export async function keygenShares(ceremony, stateFile, passphrase) {
  const state = await openState(ceremony, stateFile, passphrase);
  const fp = checkCeremony(ceremony, state);
  const shares = {};
  for (const t of ceremony.trustees) {
    if (t.index !== state.secret.index) shares[String(t.index)] = sealTo(t.box_public, utf8.encode(dkgShare(state.secret, t.index)));
  }
  return { upload: { fingerprint: fp, shares }, fingerprint: fp };
}

/** Round 4 (= keygen-finish): open and check every share addressed to me,
 *  naming a sender whose share does not match; {upload, keyFile, jointKey, fingerprint}. */
export async function keygenFinish(ceremony, stateFile, passphrase, opts = {}) {
  const state = await openState(ceremony, stateFile, passphrase);
  const fp = checkCeremony(ceremony, state);
  const me = state.secret.index;
  let total = decodeScalar(dkgShare(state.secret, me));
  for (const sender of ceremony.trustees) {
    if (sender.index === me) continue;
    const sealed = isObj(ceremony.shares_for_me) ? ceremony.shares_for_me[String(sender.index)] : undefined;
    const share = new TextDecoder().decode(openBox(state.box_public, state.box_secret, sealed));
    if (!verifyShare(ceremony.manifest, sender.public, me, share)) {
      throw new TrusteeError(`trustee ${sender.index} sent a share that does not match their commitments: tell the ballot's officers`);
    }
    total = mod(total + decodeScalar(share));
  }
  const joint = jointKey(ceremony.trustees.map((t) => t.public));
  const keyFile = await sealFile({ index: me, share: encodeScalar(total), seed: state.seed }, passphrase, opts);
  return { upload: { joint_key: joint, fingerprint: fp }, keyFile, jointKey: joint, fingerprint: fp };
}

// --- decryption (§5.2, §6.5) ---------------------------------------------------------------

function tallyAlphas(tally) {
  if (!isObj(tally) || typeof tally.area !== 'string' || !Array.isArray(tally.ct)) throw new TrusteeError('malformed tally');
  return tally.ct.map((c) => {
    if (!Array.isArray(c) || c.length !== 2) throw new TrusteeError('malformed tally');
    decodePoint(c[1], { allowIdentity: true });
    return decodePoint(c[0], { allowIdentity: true });
  });
}

/** One tally's decryption share (= api.decryption_share): M_j = s_j·α per slot, with proofs. */
export function decryptionShare(manifestJson, jointKeyHex, trusteeKey, tally, rng = randomScalar) {
  const F = parseManifest(manifestJson).fingerprint;
  const K = decodePoint(jointKeyHex).toBytes();
  const s = decodeScalar(trusteeKey.share);
  const { index } = trusteeKey;
  const S = mulBase(s);
  const alphas = tallyAlphas(tally);
  const points = alphas.map((a) => mul(s, a));
  const proofs = alphas.map((a, slot) => proveDleq('decrypt', [F, K, index, tally.area, slot], s, a, S, points[slot], rng));
  return { version: VERSION, index, m: points.map(encodePoint), proofs: proofs.map((p) => p.map(encodeScalar)) };
}

/** S_j = Σ_t j^t·(Σ_i C_i,t), trustee j's public share key (= threshold.share_keys). */
function shareKey(manifestJson, publics, j) {
  const comms = publics.map((p) => checkPublic(manifestJson, p));
  const summed = comms[0].map((_, t) => comms.reduce((acc, c) => acc.add(c[t]), IDENTITY));
  return evalCommitments(summed, j);
}

/** Does a decryption share's every proof verify? (= api.verify_decryption_share) */
export function verifyDecryptionShare(manifestJson, jointKeyHex, publics, tally, share) {
  const F = parseManifest(manifestJson).fingerprint;
  const K = decodePoint(jointKeyHex).toBytes();
  const alphas = tallyAlphas(tally);
  if (!sameKeys(share, ['version', 'index', 'm', 'proofs']) || share.version !== VERSION
      || !publics.some((p) => p.index === share.index) || !Array.isArray(share.m) || !Array.isArray(share.proofs)
      || share.m.length !== alphas.length || share.proofs.length !== alphas.length) return false;
  const S = shareKey(manifestJson, publics, share.index);
  try {
    return alphas.every((a, slot) => verifyDleq('decrypt', [F, K, share.index, tally.area, slot], a, S,
      decodePoint(share.m[slot], { allowIdentity: true }), share.proofs[slot].map(decodeScalar)));
  } catch (e) {
    return false;
  }
}

/** Shares for every tally the server lists (= `unionhall-trustee share`): {area: share},
 *  and the tie-lot value under "seed_reveal" when the key file holds one. */
export async function decryptionShares(talliesFile, keyFile, passphrase) {
  const key = await openFile(keyFile, passphrase);
  if (!isObj(key) || !Number.isSafeInteger(key.index) || typeof key.share !== 'string') throw new KeyFileError('this is not a key file');
  const out = {};
  for (const t of talliesFile.tallies) out[t.area] = decryptionShare(talliesFile.manifest, talliesFile.joint_key, key, t);
  if (typeof key.seed === 'string') out.seed_reveal = key.seed;
  return out;
}

