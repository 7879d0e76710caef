import itertools

import pytest

from votecrypt import api, threshold as T
from votecrypt.elgamal import Ciphertext, encrypt
from votecrypt.group import L, mul_base
from votecrypt.manifest import Manifest
from votecrypt.rng import SeededRng

QS = [{"id": "q", "title": "", "options": ["a", "b"], "min_selections": 0, "max_selections": 1}]  # two slots


def dkg(n, k, seed="t"):
    manifest = api.make_manifest("thr", "t", QS, n, k)
    return manifest, *api.run_dkg(manifest, SeededRng(seed))


@pytest.mark.parametrize("n,k", [(1, 1), (3, 2), (5, 3), (4, 4)])
def test_every_k_subset_decrypts_and_k_minus_1_does_not(n, k):
    manifest, key, keys, publics = dkg(n, k)
    rng = SeededRng("enc")
    tally = {"area": "", "ballots": 20, "ct": [encrypt(13, rng.scalar(), bytes.fromhex(key)).to_json(),
                                               encrypt(0, rng.scalar(), bytes.fromhex(key)).to_json()]}
    shares = [api.decryption_share(manifest, key, kk, tally, rng) for kk in keys]
    for s in shares:
        assert api.verify_decryption_share(manifest, key, publics, tally, s)
    for subset in itertools.combinations(shares, k):
        assert api.combine_shares(manifest, tally, list(subset)) == [13, 0]
    m = Manifest.from_json(manifest)
    for subset in itertools.combinations(shares, k - 1):
        with pytest.raises(ValueError):
            api.combine_shares(manifest, tally, list(subset))
        if k > 1:  # interpolating k-1 shares as if they were enough gives garbage
            parsed = [T.DecryptionShare.from_json(s, 2) for s in subset]
            cts = [Ciphertext.from_json(c) for c in tally["ct"]]
            assert T.combine(cts, parsed, k - 1)[0] != mul_base(13)


def test_dkg_joint_key_matches_shares():
    manifest, key, keys, publics = dkg(4, 3)
    m = Manifest.from_json(manifest)
    pubs = [T.TrusteePublic.from_json(p, 3) for p in publics]
    S = T.share_keys(pubs)
    for kk in keys:
        assert S[kk["index"]] == mul_base(int.from_bytes(bytes.fromhex(kk["share"]), "little"))
    # the secret key is the Lagrange interpolation of any 3 shares
    idx = [1, 2, 4]
    lam = T.lagrange_at_zero(idx)
    s = sum(lam[i] * int.from_bytes(bytes.fromhex(keys[i - 1]["share"]), "little") for i in idx) % L
    assert mul_base(s).hex() == key
    json_ok = [T.TrusteePublic.from_json(p, 3).to_json() == p for p in publics]
    assert all(json_ok)
    assert m.threshold == 3


def test_bad_dkg_share_detected_and_named():
    manifest = api.make_manifest("thr", "t", QS, 3, 2)
    rounds = [api.dkg_commit(manifest, i, SeededRng(f"r{i}")) for i in (1, 2, 3)]
    publics = [p for _, p in rounds]
    got = {i + 1: api.dkg_share(sec, 2) for i, (sec, _) in enumerate(rounds)}
    assert api.dkg_check_share(manifest, publics[2], 2, got[3])
    got[3] = api.dkg_share(rounds[2][0], 1)  # trustee 3 sends the wrong evaluation
    assert not api.dkg_check_share(manifest, publics[2], 2, got[3])
    with pytest.raises(T.TrusteeError, match="trustee 3"):
        api.dkg_finish(manifest, 2, got, publics)


def test_tampered_coefficient_proof_or_commitment_rejected():
    manifest = api.make_manifest("thr", "t", QS, 2, 2)
    _, pub = api.dkg_commit(manifest, 1, SeededRng("x"))
    m = Manifest.from_json(manifest)
    bad = dict(pub, commitments=[pub["commitments"][1], pub["commitments"][0]])
    with pytest.raises(T.TrusteeError):
        T.verify_trustee(m, T.TrusteePublic.from_json(bad, 2))
    other = api.make_manifest("thr2", "t", QS, 2, 2)  # proof of knowledge bound to the election
    with pytest.raises(T.TrusteeError):
        T.verify_trustee(Manifest.from_json(other), T.TrusteePublic.from_json(pub, 2))


def test_tampered_decryption_share_fails():
    manifest, key, keys, publics = dkg(3, 2)
    rng = SeededRng("e")
    tally = {"area": "North", "ballots": 5, "ct": [encrypt(3, rng.scalar(), bytes.fromhex(key)).to_json()] * 2}
    s = api.decryption_share(manifest, key, keys[0], tally, rng)
    assert api.verify_decryption_share(manifest, key, publics, tally, s)
    assert not api.verify_decryption_share(manifest, key, publics, dict(tally, area="South"), s)
    assert not api.verify_decryption_share(manifest, key, publics, tally, dict(s, index=2))
    assert not api.verify_decryption_share(manifest, key, publics, tally, dict(s, m=s["m"][::-1][:1] + [mul_base(9).hex()]))
