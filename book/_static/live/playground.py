"""playground.py: the Python side of the playground page, run in the browser by Pyodide (in a Web Worker).

It drives the book's own program, code/microgpt.py (copied into the site when the book is built): the same
functions, called in the same order as its main(). Nothing here re-implements the model. Each function takes
and returns JSON text; progress goes to the page through liveEmit (defined by the worker).
"""
import functools
import json
import platform
import random
import time

import microgpt as m
from js import liveEmit
from pyodide.ffi import to_js

STATE = {}  # the model of this interpreter: docs, uchars, state_dict


class Entered:
    """A method that Python calls through C (a functools.partial): in a call of the eval loop of its own.

    Speed in the browser, same results: Pyodide's interpreter loop is one WebAssembly function. Chromium runs it
    first as quickly compiled baseline code and, once its optimizing compiler is done with it (a second or so
    after Python starts), as optimized code, but only in calls that begin after that: a call under way keeps
    the baseline code. CPython runs a Python function called from Python inside its caller's call of the loop,
    so train(), which begins as soon as Python is up, would run every step on the baseline code. With each
    step's forward and backward pass entered afresh, the steps after the first second or so run optimized.
    tools/bench_live.py measures both ways; CONTRIBUTING.md (Live code) has the figures."""

    def __init__(self, method):
        self.method = method

    def __get__(self, obj, cls=None):
        return functools.partial(self.method, obj)


def prepare(seed):
    """main()'s first steps: shuffle the names with the seed, build the vocabulary, draw the weights."""
    docs = m.load_docs()
    random.seed(seed)
    random.shuffle(docs)
    uchars = m.build_vocab(docs)
    state_dict = m.init_params(len(uchars) + 1)
    # main() samples from the stream as it stands after training, and train() draws no random numbers
    STATE.update(docs=docs, uchars=uchars, state_dict=state_dict, known=set(docs), steps=0, rng=random.getstate())
    return docs, uchars, state_dict


def train(args):
    """Train as `python code/microgpt.py --steps N --seed S` does; the step lines print as they come.

    Before each step the weights so far go to the page, so that Stop (which ends this interpreter) can keep them."""
    a = json.loads(args)
    steps, seed, learning_rate = int(a["steps"]), int(a["seed"]), float(a["learning_rate"])
    log, snapshots = a.get("log", True), a.get("snapshots", True)  # tools/bench_live.py times train() alone
    entered = a.get("entered", True)  # False: train() as it is (tools/bench_live.py's figure before)
    docs, uchars, state_dict = prepare(seed)
    if log:
        print(f"num docs: {len(docs)}")
        print(f"vocab size: {len(uchars) + 1}")
        print(f"num params: {len(m.parameters(state_dict))}")
    params = m.parameters(state_dict)
    doc_loss, done = m.doc_loss, [0]

    def doc_loss_then_report(state_dict, tokens):  # train() calls doc_loss once per step, before the update
        liveEmit(json.dumps({"weights_after": done[0]}), to_js([p.data for p in params]))
        done[0] += 1
        return doc_loss(state_dict, tokens)

    backward = m.Value.backward
    step_loss = doc_loss_then_report if snapshots else doc_loss
    m.doc_loss = functools.partial(step_loss) if entered else step_loss
    if entered:
        m.Value.backward = Entered(backward)
    try:
        start = time.perf_counter()
        losses = m.train(state_dict, docs, uchars, steps, learning_rate=learning_rate, log=log)
        seconds = time.perf_counter() - start
    finally:
        m.doc_loss, m.Value.backward = doc_loss, backward
    STATE["steps"] = steps
    if snapshots:
        liveEmit(json.dumps({"weights_after": steps}), to_js([p.data for p in params]))
    return json.dumps({"losses": losses, "seconds": seconds, "python": platform.python_version()})


def restore(args):
    """A fresh interpreter takes over the weights of one that was stopped."""
    a = json.loads(args)
    _, _, state_dict = prepare(int(a["seed"]))
    for p, value in zip(m.parameters(state_dict), a["weights"]):
        p.data = value
    STATE["steps"] = int(a["steps"])
    return json.dumps({"steps": STATE["steps"]})


def sample(args):
    """Names from the model, each drawn with microgpt's sample() at the given temperature."""
    a = json.loads(args)
    # the same draws at every temperature, so only the temperature changes; the first names are main()'s own
    if int(a.get("draw", 0)) == 0:
        random.setstate(STATE["rng"])
    else:
        random.seed(int(a["seed"]) * 1000 + int(a["draw"]))
    names = [m.sample(STATE["state_dict"], STATE["uchars"], float(a["temperature"])) for _ in range(int(a["count"]))]
    return json.dumps({"names": names, "known": [name in STATE["known"] for name in names]})


def inside(args):
    """For a typed name: at each position, the next-letter probabilities and every head's attention weights.

    The model runs its own gpt(); its softmax is wrapped for the call, so that the attention weights it
    computes (one softmax per head and layer) are recorded on the way."""
    name = json.loads(args)["name"].strip().lower()
    uchars, state_dict = STATE["uchars"], STATE["state_dict"]
    try:
        tokens = m.encode(name, uchars)
    except ValueError as e:
        return json.dumps({"error": str(e)})
    n = min(m.block_size, len(tokens) - 1)
    keys, values = [[] for _ in range(m.n_layer)], [[] for _ in range(m.n_layer)]
    softmax, recorded = m.softmax, []

    def recording_softmax(logits):
        weights = softmax(logits)
        recorded.append([w.data for w in weights])
        return weights

    probs, attention = [], [[[] for _ in range(m.n_head)] for _ in range(m.n_layer)]
    m.softmax = recording_softmax
    try:
        for pos in range(n):
            recorded.clear()
            logits = m.gpt(state_dict, tokens[pos], pos, keys, values)
            assert len(recorded) == m.n_layer * m.n_head, "one softmax per head and layer"
            for i, row in enumerate(recorded):
                attention[i // m.n_head][i % m.n_head].append(row)
            probs.append([p.data for p in softmax(logits)])
    finally:
        m.softmax = softmax
    label = lambda t: "BOS" if t == len(uchars) else uchars[t]  # noqa: E731
    return json.dumps({"inputs": [label(t) for t in tokens[:n]], "targets": [label(t) for t in tokens[1:n + 1]],
                       "vocab": [label(t) for t in range(len(uchars) + 1)], "probs": probs,
                       "attention": attention, "steps": STATE["steps"]})
