import pytest

from votecrypt import api
from votecrypt.demo import make_election
from votecrypt.rng import SeededRng

QUESTIONS = [
    {"id": "strike", "title": "Strike?", "options": ["Yes", "No"], "min_selections": 1, "max_selections": 1},
    {"id": "exec", "title": "Executive", "options": ["Ana", "Ben", "Cy"], "min_selections": 1, "max_selections": 2},
    {"id": "motions", "title": "Approve motions", "options": ["M1", "M2"], "min_selections": 0, "max_selections": 2},
]


@pytest.fixture(scope="session")
def election():
    manifest = api.make_manifest("test-2025", "Test ballot", QUESTIONS, 3, 2)
    key, keys, publics = api.run_dkg(manifest, SeededRng("fixture-dkg"))
    return {"manifest": manifest, "key": key, "keys": keys, "publics": publics}


@pytest.fixture(scope="session")
def small_record():
    return make_election(4, seed=7, questions=QUESTIONS, superseded=1, audited=1)
