"""Time code/microgpt.py's training loop: prints milliseconds per step. A measurement, not a test.

Usage: python tools/bench.py [steps]   (default 100; data from $MICROGPT_DATA or the cache)
"""
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "code"))
import microgpt  # noqa: E402

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 100
docs = microgpt.load_docs()
random.seed(42)
random.shuffle(docs)
uchars = microgpt.build_vocab(docs)
state_dict = microgpt.init_params(len(uchars) + 1)
start = time.perf_counter()
microgpt.train(state_dict, docs, uchars, num_steps=steps)
ms = 1000 * (time.perf_counter() - start) / steps
print(f"microgpt: {ms:.1f} ms per training step ({steps} steps, {sys.implementation.name} {sys.version.split()[0]})")
