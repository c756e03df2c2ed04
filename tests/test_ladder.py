"""The ladder climbs: each rung's model beats the one before on validation loss.

The numbers are the ones the book itself glued into its pages, read from the executed notebooks that
`make book` leaves beside the site: _build/jupyter_execute/book/*.glue.json next to _build/html (the
`site` fixture of conftest.py finds the build; without one these tests skip, or fail where CI is set).
"""
import glob
import json
import os

import pytest

RUNGS = ["uniform", "bigram", "mlp", "autograd", "attention", "gpt", "adam"]


def glued_values(build):
    """Every value the chapters glued, from the <chapter>.glue.json files myst-nb writes while building."""
    values = {}
    for path in sorted(glob.glob(os.path.join(build, "jupyter_execute", "book", "*.glue.json"))):
        for name, output in json.load(open(path, encoding="utf-8")).items():
            text = output["data"]["text/plain"]
            values[name] = ("".join(text) if isinstance(text, list) else text).strip("'\"")
    return values


@pytest.fixture(scope="module")
def glue(site):
    build = os.path.dirname(os.path.abspath(site))
    values = glued_values(build)
    assert values, f"the built site {site} has no executed notebooks beside it ({build}/jupyter_execute/book)"
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
