"""The fidelity target: code/microgpt.py prints the original microgpt's trace, line for line."""
import hashlib
import os

import pytest

from conftest import ORIGINAL_TRACE_SHA256, SHARED

REFERENCE = os.environ.get("MICROGPT_REFERENCE") or os.path.join(SHARED, "reference", "microgpt-reference-run.txt")


@pytest.mark.slow
def test_full_run_matches_the_original(run_script):
    code, out, err = run_script("microgpt.py")
    assert code == 0, err
    if os.path.isfile(REFERENCE):
        expected = open(REFERENCE).read().splitlines()
        got = out.splitlines()
        mismatches = [(i + 1, a, b) for i, (a, b) in enumerate(zip(got, expected)) if a != b]
        assert len(got) == len(expected) == 1024 and not mismatches, mismatches[:5]
    assert hashlib.sha256(out.encode()).hexdigest() == ORIGINAL_TRACE_SHA256
