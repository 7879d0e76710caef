/**
 * votecrypt/2 ballot encryption for the browser booth.
 *
 * A port of the booth half of the Python reference package `votecrypt`
 * (src/votecrypt/: group.py, hash.py, elgamal.py, proofs.py, manifest.py,
 * ballot.py, api.py), specified byte-for-byte in docs/election-record.md.
 * Section numbers (§) below refer to that document.
 *
 * Group operations go only through @noble/curves' ristretto255 point class
 * (no curve or field arithmetic here); scalars are BigInts mod L; hashes are
 * SHA-256 / SHA-512 from @noble/hashes; randomness is crypto.getRandomValues
 * through @noble/hashes' randomBytes.
 */
import { ristretto255 } from '@noble/curves/ed25519.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';

const Point = ristretto255.Point;

export const VERSION = 'votecrypt/2';
/** Group order L (§2). */
export const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const P = 2n ** 255n - 19n;

/** A point or scalar failed strict decoding, or an input was invalid.
 *  `reason` uses the Python codes: malformed-point, non-canonical,
 *  identity-point, malformed-scalar, scalar-range, malformed-manifest,
 *  invalid-choices, ... */
export class VotecryptError extends Error {
  constructor(reason, detail = '') {
    super(detail ? `${reason}: ${detail}` : reason);
    this.name = 'VotecryptError';
    this.reason = reason;
  }
}

// --- bytes, hex, integers ---------------------------------------------------

const HEX_RE = /^(?:[0-9a-f]{2})*$/;

export function hexToBytes(hex, reason) {
  if (typeof hex !== 'string' || !HEX_RE.test(hex)) {
    throw new VotecryptError(reason, 'expected lower-case hex');
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(b) {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

function bytesToIntLE(b) {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]);
  return n;
}

function intToBytesLE(n, len) {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) { out[i] = Number(n & 0xffn); n >>= 8n; }
  return out;
}

export const mod = (a, m = L) => { const r = a % m; return r < 0n ? r + m : r; };

export function concat(chunks) {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.length; }
  return out;
}

/** True iff the string has no lone UTF-16 surrogate (Python's UTF-8 encoding
 *  of such a string fails, so it can never hash the same bytes). */
function wellFormed(s) {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

const utf8 = new TextEncoder();

// --- group (§2) -----------------------------------------------------------

const IDENTITY = Point.ZERO;

/** Scalar -> 32 bytes little-endian (reduced mod L, like Python's _sc). */
export function scalarToBytes(k) { return intToBytesLE(mod(k), 32); }
export function encodeScalar(k) { return bytesToHex(scalarToBytes(k)); }
export function encodePoint(p) { return bytesToHex(p.toBytes()); }

/** Strict point decoding, in the order of §2 (first failure gives the reason). */
export function decodePoint(hex, { allowIdentity = false } = {}) {
  const b = hexToBytes(hex, 'malformed-point');
  if (b.length !== 32) throw new VotecryptError('malformed-point', `${b.length} bytes, expected 32`);
  const s = bytesToIntLE(b);
  if (s >= P || (s & 1n)) throw new VotecryptError('non-canonical', 's not reduced mod p, or negative (odd)');
  if (s === 0n) {
    if (allowIdentity) return IDENTITY;
    throw new VotecryptError('identity-point', 'the identity is not allowed here');
  }
  let pt;
  try {
    pt = Point.fromBytes(b);
  } catch (e) {
    throw new VotecryptError('malformed-point', 'not a ristretto255 encoding');
  }
  return pt;
}

/** Strict scalar decoding: 32 bytes LE, value < L, no reduction. */
export function decodeScalar(hex) {
  const b = hexToBytes(hex, 'malformed-scalar');
  if (b.length !== 32) throw new VotecryptError('malformed-scalar', `${b.length} bytes, expected 32`);
  const k = bytesToIntLE(b);
  if (k >= L) throw new VotecryptError('scalar-range', 'scalar not below the group order');
  return k;
}

/** k·G, the identity when k ≡ 0 (noble's multiply refuses 0). */
export function mulBase(k) {
  k = mod(k);
  return k === 0n ? IDENTITY : Point.BASE.multiply(k);
}

/** k·P, the identity when k ≡ 0 or P is the identity. */
export function mul(k, p) {
  k = mod(k);
  return k === 0n || p.is0() ? IDENTITY : p.multiply(k);
}

// --- randomness -------------------------------------------------------------

/** A uniform non-zero scalar: 64 random bytes (512 bits) read little-endian,
 *  reduced mod L−1, plus 1 — exactly Python's SystemRng (bias < 2^-250). */
export function randomScalar() {
  return mod(bytesToIntLE(randomBytes(64)), L - 1n) + 1n;
}

// --- hashing (§3) -----------------------------------------------------------

function item(x) {
  if (x instanceof Uint8Array) return x;
  if (typeof x === 'number') {
    if (!Number.isSafeInteger(x) || x < 0) throw new TypeError('transcript integer must be a non-negative safe integer');
    return intToBytesLE(BigInt(x), 8).reverse(); // 8 bytes big-endian
  }
  if (typeof x === 'string') {
    if (!wellFormed(x)) throw new VotecryptError('malformed', 'string with a lone surrogate');
    return utf8.encode(x);
  }
  throw new TypeError(`cannot hash ${typeof x}`);
}

export function transcript(domain, ...items) {
  const chunks = [];
  for (const x of [`${VERSION}/${domain}`, ...items]) {
    const b = item(x);
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, b.length, false);
    chunks.push(len, b);
  }
  return concat(chunks);
}

/** Hc: SHA-512 of the transcript, little-endian, mod L. */
export function challenge(domain, ...items) {
  return mod(bytesToIntLE(sha512(transcript(domain, ...items))));
}

/** Hd: SHA-256 of the transcript. */
export function digest(domain, ...items) {
  return sha256(transcript(domain, ...items));
}

/** Python json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
 *  allow_nan=False) for str/int/bool/None/list/dict. */
export function canonicalJson(x) {
  if (x === null) return 'null';
  if (x === true) return 'true';
  if (x === false) return 'false';
  if (typeof x === 'number') {
    if (!Number.isSafeInteger(x)) throw new VotecryptError('malformed', 'only safe integers in canonical JSON');
    return String(x);
  }
  if (typeof x === 'string') {
    if (!wellFormed(x)) throw new VotecryptError('malformed', 'string with a lone surrogate');
    return JSON.stringify(x);
  }
  if (Array.isArray(x)) return `[${x.map(canonicalJson).join(',')}]`;
  if (typeof x === 'object') {
    // Python sorts by code point; identical to UTF-16 order for BMP keys (ours are ASCII).
    const keys = Object.keys(x).sort();
    return `{${keys.map((k) => `${canonicalJson(k)}:${canonicalJson(x[k])}`).join(',')}}`;
  }
  throw new VotecryptError('malformed', `cannot serialise ${typeof x}`);
}

// --- manifest (§6.1) --------------------------------------------------------

function sameKeys(obj, keys) {
  const got = Object.keys(obj).sort();
  const want = [...keys].sort();
  return got.length === want.length && got.every((k, i) => k === want[i]);
}

const isObj = (x) => x !== null && typeof x === 'object' && !Array.isArray(x);
const isStr = (x) => typeof x === 'string';
const isNat = (x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

/** Strictly parse a manifest (a JSON string or an already-parsed object),
 *  with the checks of Python's Manifest.from_json. Returns
 *  {json, questions: [{id, options, min, max, binary, width, needsSum}], fingerprint}. */
export function parseManifest(manifestJson) {
  const bad = (d) => new VotecryptError('malformed-manifest', d);
  let d = manifestJson;
  if (typeof d === 'string') {
    try { d = JSON.parse(d); } catch (e) { throw bad('not JSON'); }
  }
  if (!isObj(d)) throw bad('expected an object');
  if (d.version !== VERSION) throw bad(`unsupported version ${JSON.stringify(d.version)}`);
  if (!sameKeys(d, ['version', 'election_id', 'title', 'trustees', 'threshold', 'questions'])) {
    throw bad('unknown or missing fields');
  }
  if (!isStr(d.election_id) || !isStr(d.title) || !isNat(d.trustees) || !isNat(d.threshold)) {
    throw bad('field types');
  }
  if (!Array.isArray(d.questions) || d.questions.length === 0) throw bad('questions must be non-empty');
  const ids = new Set();
  const questions = d.questions.map((q) => {
    if (!isObj(q) || !sameKeys(q, ['id', 'title', 'options', 'min_selections', 'max_selections'])) {
      throw bad('question fields');
    }
    if (!isStr(q.id) || !isStr(q.title) || !Array.isArray(q.options) || !q.options.every(isStr)
        || !isNat(q.min_selections) || !isNat(q.max_selections)) {
      throw bad(`question ${q.id}: field types`);
    }
    if (ids.has(q.id)) throw bad('question ids must be unique');
    ids.add(q.id);
    const n = q.options.length;
    if (n === 0 || !(q.min_selections <= q.max_selections && q.max_selections <= n)) {
      throw bad(`question ${q.id}: need 0 <= min <= max <= options`);
    }
    const binary = n === 2 && q.min_selections === 1 && q.max_selections === 1;
    return {
      id: q.id, options: q.options.slice(), min: q.min_selections, max: q.max_selections,
      binary, width: binary ? 1 : n,
      needsSum: !(binary || (q.min_selections === 0 && q.max_selections >= n)),
    };
  });
  if (!(d.threshold >= 1 && d.threshold <= d.trustees)) throw bad('need 1 <= threshold <= trustees');
  const json = {
    version: VERSION, election_id: d.election_id, title: d.title,
    trustees: d.trustees, threshold: d.threshold,
    questions: d.questions.map((q) => ({
      id: q.id, title: q.title, options: q.options.slice(),
      min_selections: q.min_selections, max_selections: q.max_selections,
    })),
  };
  return { json, questions, fingerprint: digest('manifest', canonicalJson(json)) };
}

/** F as lower-case hex (= Python api.fingerprint). */
export function fingerprint(manifestJson) {
  return bytesToHex(parseManifest(manifestJson).fingerprint);
}

/** The 0/1 plaintexts for one question's selection (Python Question.encoded). */
function encoded(q, sel) {
  if (!Array.isArray(sel) || sel.length !== q.options.length
      || !sel.every((x) => x === 0 || x === 1)) {
    throw new VotecryptError('invalid-choices', `question ${q.id}: choices must be 0/1 per option`);
  }
  const n = sel.reduce((a, b) => a + b, 0);
  if (!(q.min <= n && n <= q.max)) {
    throw new VotecryptError('invalid-choices', `question ${q.id}: selection count out of range`);
  }
  return sel.slice(0, q.width);
}

// --- ElGamal (§4) -----------------------------------------------------------

function encrypt(m, r, K) {
  return { alpha: mulBase(r), beta: mulBase(BigInt(m)).add(mul(r, K)) };
}

const ctAdd = (a, b) => ({ alpha: a.alpha.add(b.alpha), beta: a.beta.add(b.beta) });

// --- range proof (§5.1) -----------------------------------------------------

function rangeCommitments(K, ct, j, c, v) {
  // a = v·G − c·α ;  b = v·K − c·(β − j·G)
  const betaJ = j === 0 ? ct.beta : ct.beta.subtract(mulBase(BigInt(j)));
  return [mulBase(v).subtract(mul(c, ct.alpha)).toBytes(),
    mul(v, K).subtract(mul(c, betaJ)).toBytes()];
}

/** Disjunctive Chaum–Pedersen proof that ct encrypts m ∈ [lo, hi] with nonce r.
 *  Draws randomness in the same order as Python's prove_range. */
export function proveRange(ctx, K, ct, m, r, lo, hi, rng) {
  if (!(lo <= m && m <= hi)) throw new RangeError('plaintext outside the proven range');
  const Kb = K.toBytes(); const ab = ct.alpha.toBytes(); const bb = ct.beta.toBytes();
  for (;;) {
    const w = rng();
    const cs = new Map(); const vs = new Map(); const commits = [];
    for (let j = lo; j <= hi; j++) {
      if (j === m) {
        commits.push(mulBase(w).toBytes(), mul(w, K).toBytes());
      } else {
        const c = rng(); const v = rng();
        cs.set(j, c); vs.set(j, v);
        commits.push(...rangeCommitments(K, ct, j, c, v));
      }
    }
    const c = challenge('range', ...ctx, Kb, ab, bb, lo, hi, ...commits);
    let others = 0n;
    for (const x of cs.values()) others += x;
    const cm = mod(c - others); const vm = mod(w + cm * r);
    if (cm !== 0n && vm !== 0n) {
      cs.set(m, cm); vs.set(m, vm);
      const out = [];
      for (let j = lo; j <= hi; j++) out.push(cs.get(j), vs.get(j));
      return out;
    }
  }
}

export function verifyRange(ctx, K, ct, scalars, lo, hi) {
  if (scalars.length !== 2 * (hi - lo + 1)) return false;
  const commits = [];
  let sum = 0n;
  for (let i = 0, j = lo; j <= hi; i++, j++) {
    commits.push(...rangeCommitments(K, ct, j, scalars[2 * i], scalars[2 * i + 1]));
    sum += scalars[2 * i];
  }
  return mod(sum) === challenge('range', ...ctx, K.toBytes(), ct.alpha.toBytes(), ct.beta.toBytes(),
    lo, hi, ...commits);
}

// --- ballots (§6.4) ---------------------------------------------------------

function ballotFingerprint(F, alias, questions) {
  const items = [F, alias];
  for (const q of questions) {
    items.push(q.id);
    q.cts.forEach((c, i) => {
      items.push(c.alpha.toBytes(), c.beta.toBytes(), ...q.proofs[i].map(scalarToBytes));
    });
    if (q.sum) items.push(...q.sum.map(scalarToBytes));
  }
  return digest('ballot', ...items);
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 of the first 10 bytes of Hd("tracker", fingerprint), as XXXX-XXXX-XXXX-XXXX. */
function trackerOf(fp) {
  const h = digest('tracker', fp).slice(0, 10);
  let bits = bytesToIntLE(h.slice().reverse()); // 80-bit big-endian integer
  let s = '';
  for (let i = 0; i < 16; i++) { s = B32[Number(bits & 31n)] + s; bits >>= 5n; }
  return s.match(/.{4}/g).join('-');
}

/**
 * Encrypt a ballot. `choices[q]` is a 0/1 vector with one entry per option of
 * question q (as Python's api.encrypt_ballot). Returns
 * {ballot, auditSecrets, tracker}: `ballot` is the JSON Python's
 * api.verify_ballot accepts; `auditSecrets` ({choices, nonces}) is what
 * api.audit_ballot checks if the voter audits instead of casting (then the
 * ballot must be discarded); `tracker` equals Python's api.tracker.
 * `opts.rng` (tests only) replaces the CSPRNG: a function returning a scalar in [1, L).
 */
export function encryptBallot(manifestJson, jointKeyHex, alias, choices, opts = {}) {
  const rng = opts.rng || randomScalar;
  const m = parseManifest(manifestJson);
  const F = m.fingerprint;
  const K = decodePoint(jointKeyHex);
  if (typeof alias !== 'string' || !wellFormed(alias)) throw new VotecryptError('malformed', 'alias must be a string');
  if (!Array.isArray(choices) || choices.length !== m.questions.length) {
    throw new VotecryptError('invalid-choices', 'one choice vector per question');
  }
  const sels = m.questions.map((q, i) => encoded(q, choices[i])); // validate all before any work
  const out = []; const nonces = [];
  m.questions.forEach((q, qi) => {
    const sel = sels[qi];
    const rs = sel.map(() => rng());
    const cts = sel.map((x, i) => encrypt(x, rs[i], K));
    const proofs = cts.map((c, i) => proveRange([F, alias, q.id, i], K, c, sel[i], rs[i], 0, 1, rng));
    let sum = null;
    if (q.needsSum) {
      const total = cts.reduce(ctAdd);
      const rsum = mod(rs.reduce((a, b) => a + b, 0n));
      const n = sel.reduce((a, b) => a + b, 0);
      sum = proveRange([F, alias, q.id, 'sum'], K, total, n, rsum, q.min, q.max, rng);
    }
    out.push({ id: q.id, cts, proofs, sum });
    nonces.push(rs);
  });
  const ballot = {
    version: VERSION, election: bytesToHex(F), alias,
    questions: out.map((q) => ({
      id: q.id,
      ct: q.cts.map((c) => [encodePoint(c.alpha), encodePoint(c.beta)]),
      proofs: q.proofs.map((p) => p.map(encodeScalar)),
      sum: q.sum ? q.sum.map(encodeScalar) : null,
    })),
  };
  return {
    ballot,
    auditSecrets: {
      choices: choices.map((c) => c.slice()),
      nonces: nonces.map((rs) => rs.map(encodeScalar)),
    },
    tracker: trackerOf(ballotFingerprint(F, alias, out)),
  };
}

/**
 * Strictly decode and verify a ballot (Python's api.verify_ballot; same
 * reasons). Returns {tracker}; throws VotecryptError (reason malformed,
 * wrong-election, wrong-voter, malformed-point, non-canonical, identity-point,
 * malformed-scalar, scalar-range, malformed-proof, bad-proof).
 */
export function verifyBallot(manifestJson, jointKeyHex, d, alias = null) {
  const m = parseManifest(manifestJson);
  const F = m.fingerprint;
  const K = decodePoint(jointKeyHex);
  let where = 'ballot';
  const fail = (reason, detail = '') => new VotecryptError(reason, `${where}${detail ? `: ${detail}` : ''}`);
  const proof = (p, pairs) => {
    if (!Array.isArray(p) || p.length !== 2 * pairs) throw fail('malformed-proof');
    return p.map(decodeScalar);
  };
  if (!isObj(d) || d.version !== VERSION || !sameKeys(d, ['version', 'election', 'alias', 'questions'])) {
    throw fail('malformed', 'unknown version or fields');
  }
  if (d.election !== bytesToHex(F)) { where = 'election'; throw fail('wrong-election'); }
  if (!isStr(d.alias) || (alias !== null && d.alias !== alias)) { where = 'alias'; throw fail('wrong-voter'); }
  if (!Array.isArray(d.questions) || d.questions.length !== m.questions.length) {
    throw fail('malformed', 'question count');
  }
  const qs = [];
  m.questions.forEach((q, qi) => {
    const dq = d.questions[qi];
    where = q.id;
    if (!isObj(dq) || dq.id !== q.id || !sameKeys(dq, ['id', 'ct', 'proofs', 'sum'])) throw fail('malformed', 'question id or fields');
    if (!Array.isArray(dq.ct) || !Array.isArray(dq.proofs) || dq.ct.length !== q.width || dq.proofs.length !== q.width) {
      throw fail('malformed', 'option count');
    }
    const wrap = (f) => { try { return f(); } catch (e) { throw e instanceof VotecryptError ? fail(e.reason) : e; } };
    const cts = dq.ct.map((c, i) => {
      where = `${q.id}.option[${i}].ct`;
      if (!Array.isArray(c) || c.length !== 2) throw fail('malformed-ciphertext');
      return wrap(() => ({ alpha: decodePoint(c[0]), beta: decodePoint(c[1]) }));
    });
    const proofs = dq.proofs.map((p, i) => { where = `${q.id}.option[${i}].proof`; return wrap(() => proof(p, 2)); });
    where = `${q.id}.sum`;
    let sum = null;
    if (q.needsSum) sum = wrap(() => proof(dq.sum, q.max - q.min + 1));
    else if (dq.sum !== null) throw fail('malformed', 'unexpected sum proof');
    qs.push({ id: q.id, cts, proofs, sum });
  });
  m.questions.forEach((q, qi) => {
    const eq = qs[qi];
    eq.cts.forEach((c, i) => {
      if (!verifyRange([F, d.alias, q.id, i], K, c, eq.proofs[i], 0, 1)) {
        where = `${q.id}.option[${i}].proof`; throw fail('bad-proof');
      }
    });
    if (eq.sum && !verifyRange([F, d.alias, q.id, 'sum'], K, eq.cts.reduce(ctAdd), eq.sum, q.min, q.max)) {
      where = `${q.id}.sum`; throw fail('bad-proof');
    }
  });
  return { tracker: trackerOf(ballotFingerprint(F, d.alias, qs)) };
}
