"""Time code/microgpt.py's training loop in milliseconds per step. A measurement, not a test.

Usage: python tools/bench.py [steps]    (default 50; data from $MICROGPT_DATA or the cache)

For a side-by-side comparison in the same run it also times the original microgpt's `linear`, which builds
one Value per multiply and per add, on the same weights and names.
"""
import os
import random
import sys
import time

from chapter import ROOT

sys.path.insert(0, os.path.join(ROOT, "code"))  # the generated program, code/microgpt.py
import microgpt  # noqa: E402


def original_linear(x, w):
    return [sum(wi * xi for wi, xi in zip(wo, x)) for wo in w]


def prepared():
    """(state_dict, docs, uchars) as microgpt's main() sets them up: shuffled with seed 42, initialised."""
    docs = microgpt.load_docs()
    random.seed(42)
    random.shuffle(docs)
    uchars = microgpt.build_vocab(docs)
    return microgpt.init_params(len(uchars) + 1), docs, uchars


def ms_per_step(steps):
    state_dict, docs, uchars = prepared()
    start = time.perf_counter()
    losses = microgpt.train(state_dict, docs, uchars, num_steps=steps)
    return 1000 * (time.perf_counter() - start) / steps, losses


def main(args):
    steps = int(args[0]) if args else 50
    ours, our_losses = ms_per_step(steps)
    fused = microgpt.linear
    microgpt.linear = original_linear
    theirs, their_losses = ms_per_step(steps)
    microgpt.linear = fused
    assert our_losses == their_losses, "the fused linear must give bit-identical losses"
    print(f"microgpt ({steps} steps, Python {sys.version.split()[0]}): {ours:.1f} ms per step")
    print(f"with the original's unfused linear, same run:  {theirs:.1f} ms per step ({theirs / ours:.1f}x slower)")


if __name__ == "__main__":
    main(sys.argv[1:])
