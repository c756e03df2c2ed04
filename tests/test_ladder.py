"""The ladder climbs: each rung's model beats the one before on validation loss.

The numbers are the ones the book itself glued into its pages, read from the executed notebooks that
`make book` leaves in _build/jupyter_execute/book/*.glue.json (CI builds the book before it runs the tests).
"""
import glob
import json
import os

import pytest

from conftest import ROOT

BUILD = os.environ.get("MICROGPT_BUILD") or os.path.join(ROOT, "_build")
RUNGS = ["uniform", "bigram", "mlp", "autograd", "attention", "gpt", "adam"]


def glued_values():
    """Every value the chapters glued, from the <chapter>.glue.json files myst-nb writes while building."""
    values = {}
    for path in sorted(glob.glob(os.path.join(BUILD, "jupyter_execute", "book", "*.glue.json"))):
        for name, output in json.load(open(path, encoding="utf-8")).items():
            text = output["data"]["text/plain"]
            values[name] = ("".join(text) if isinstance(text, list) else text).strip("'\"")
    return values


@pytest.fixture(scope="module")
def glue():
    values = glued_values()
    if not values:
        pytest.skip(f"no executed book in {BUILD}: run `make book` first (CI does)")
    return values


def test_every_rung_reports_its_row(glue):
    for rung in RUNGS:
        for column in ("params", "val_loss", "ppl", "ms", "steps"):
            assert f"ladder_{rung}_{column}" in glue, f"ladder_{rung}_{column} is not glued by any chapter"


def test_each_rung_beats_the_one_before(glue):
    losses = [float(glue[f"ladder_{rung}_val_loss"]) for rung in RUNGS]
    for (lower, low), (upper, up) in zip(zip(RUNGS, losses), zip(RUNGS[1:], losses[1:])):
        if upper == "autograd":  # the same MLP, trained by autograd instead of by hand: equal by design
            assert up == low, (lower, low, upper, up)
        else:
            assert up < low, f"{upper} ({up}) does not beat {lower} ({low})"


def test_the_full_model_has_4192_parameters(glue):
    assert glue["ladder_gpt_params"].replace(",", "") == glue["ladder_adam_params"].replace(",", "") == "4192"
