"""microgpt.py: generated from book/11_microgpt.ipynb by tools/tangle.py. Do not edit by hand.

Edit the notebook, then run `make code` to regenerate this file.
"""

import hashlib
import os
import urllib.request
import math
import random
import argparse
import sys

# data: from 01_tokenizing.ipynb
NAMES_URL = "https://raw.githubusercontent.com/karpathy/makemore/988aa59/names.txt"
NAMES_SHA256 = "0a30b5557f192f32ab962680889aac5f6fda0f4cecf40a6d0b5694f58ea8cc4d"


class DataError(Exception):
    """The names file is missing, damaged or empty. The message says how to fix it."""


def cache_path():
    """Where the downloaded copy lives: $MICROGPT_CACHE, else ~/.cache/microgpt."""
    folder = os.environ.get("MICROGPT_CACHE") or os.path.expanduser("~/.cache/microgpt")
    return os.path.join(folder, "names.txt")


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def download_names(path):
    """Fetch the pinned names.txt into path; check it before it replaces anything."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    partial = path + ".part"  # written first, so an interrupted download never looks finished
    try:
        urllib.request.urlretrieve(NAMES_URL, partial)
    except OSError as e:
        raise DataError(f"Could not download names.txt from {NAMES_URL} ({e}); connect to the "
                        "internet, or set MICROGPT_DATA to the path of a local copy.") from None
    if sha256_of(partial) != NAMES_SHA256:
        os.remove(partial)
        raise DataError(f"The file downloaded from {NAMES_URL} is not the pinned names.txt (its "
                        "sha256 differs); try again later, or set MICROGPT_DATA to a local copy.")
    os.replace(partial, path)


def load_docs(path=None):
    """The dataset: a list of documents, one per non-empty line (here: 32,033 names)."""
    path = path or os.environ.get("MICROGPT_DATA")
    if path and not os.path.isfile(path):
        raise DataError(f"The data file {path} does not exist; point MICROGPT_DATA at names.txt, "
                        "or unset it to download the pinned copy.")
    if not path:
        path = cache_path()
        if not os.path.isfile(path):
            download_names(path)
        if sha256_of(path) != NAMES_SHA256:
            raise DataError(f"The cached file {path} is not the pinned names.txt (its sha256 "
                            "differs); delete it and run again to download a fresh copy.")
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except UnicodeDecodeError:
        raise DataError(f"The data file {path} is not UTF-8 text; it should hold one name per "
                        "line.") from None
    if not text:
        raise DataError(f"The data file {path} is empty; it should hold one name per line.")
    docs = [line.strip() for line in text.strip().split("\n") if line.strip()]
    if not docs:
        raise DataError(f"The data file {path} has no usable lines (only blanks); it should hold "
                        "one name per line.")
    return docs

# tokenizer: from 01_tokenizing.ipynb
def build_vocab(docs):
    """Every character that occurs in the data, sorted: their token ids are 0..len-1."""
    return sorted(set("".join(docs)))


def encode(doc, uchars):
    """A document as token ids, with BOS (id len(uchars)) on both sides."""
    unknown = sorted(set(doc) - set(uchars))
    if unknown:
        raise ValueError(f"{doc!r} contains {''.join(unknown)!r}, which is not in the vocabulary "
                         f"({''.join(uchars)!r}); use only those characters.")
    BOS = len(uchars)
    return [BOS] + [uchars.index(ch) for ch in doc] + [BOS]


def decode(ids, uchars):
    """Token ids back to text; BOS tokens are dropped."""
    return "".join(uchars[i] for i in ids if i != len(uchars))

# value: from 04_autograd.ipynb
class Value:
    """A scalar that remembers how it was made, so it can pass gradients back to what made it."""

    # no per-object dict: less memory, faster
    __slots__ = "data", "grad", "_children", "_local_grads"

    def __init__(self, data, children=(), local_grads=()):
        self.data = data  # the number, computed in the forward pass
        self.grad = 0  # d loss / d this, filled in by backward()
        self._children = children  # the Values this one was computed from
        self._local_grads = local_grads  # d this / d each child

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1, 1))

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, other):
        return Value(self.data**other, (self,), (other * self.data ** (other - 1),))

    def log(self):
        return Value(math.log(self.data), (self,), (1 / self.data,))

    def exp(self):
        return Value(math.exp(self.data), (self,), (math.exp(self.data),))

    def relu(self):
        return Value(max(0, self.data), (self,), (float(self.data > 0),))

    def __neg__(self): return self * -1
    def __radd__(self, other): return self + other
    def __sub__(self, other): return self + (-other)
    def __rsub__(self, other): return other + (-self)
    def __rmul__(self, other): return self * other
    def __truediv__(self, other): return self * other**-1
    def __rtruediv__(self, other): return other * self**-1

    def backward(self):
        # order the graph so that every node comes after all of its children (a topological sort);
        # a loop with an explicit stack instead of recursion, so deep graphs cannot
        # overflow Python's stack
        topo, visited, stack = [], set(), [(self, False)]
        while stack:
            v, children_done = stack.pop()
            if children_done:
                topo.append(v)
            elif v not in visited:
                visited.add(v)
                stack.append((v, True))
                stack.extend(
                    (child, False) for child in reversed(v._children) if child not in visited
                )
        # then walk it from the output back: the chain rule, one node at a time
        self.grad = 1
        for v in reversed(topo):
            for child, local_grad in zip(v._children, v._local_grads):
                child.grad += local_grad * v.grad

# layers: from 04_autograd.ipynb
def linear(x, w):
    """y = W x. One Lego brick per output y_j, which knows d y_j
    / d w_ji = x_i and d y_j / d x_i = w_ji."""
    x_data = [xi.data for xi in x]
    out = []
    for row in w:
        y = sum(wi.data * xd for wi, xd in zip(row, x_data))
        out.append(Value(y, (*row, *x), x_data + [wi.data for wi in row]))
    return out


def softmax(logits):
    # subtracting the max changes nothing but avoids overflow
    max_val = max(val.data for val in logits)
    exps = [(val - max_val).exp() for val in logits]
    total = sum(exps)
    return [e / total for e in exps]

# rmsnorm: from 05_attention.ipynb
def rmsnorm(x):
    """Rescale x to a root-mean-square of 1, so activations keep a steady size."""
    ms = sum(xi * xi for xi in x) / len(x)  # mean of the squares
    scale = (ms + 1e-5) ** -0.5  # 1e-5: no division by zero for an all-zero x
    return [xi * scale for xi in x]

# gpt: from 06_gpt.ipynb
n_layer = 1  # how many transformer blocks
n_embd = 16  # width: every token is a vector of 16 numbers
block_size = 16  # longest context the model sees (the longest name has 15 letters, plus BOS)
n_head = 4  # attention heads per block
head_dim = n_embd // n_head  # each head works in 4 of the 16 dimensions


def matrix(nout, nin, std=0.08):
    return [[Value(random.gauss(0, std)) for _ in range(nin)] for _ in range(nout)]


def init_params(vocab_size):
    """The state_dict: every weight matrix of the model, by
    name, freshly drawn from the random stream."""
    state_dict = {
        "wte": matrix(vocab_size, n_embd),
        "wpe": matrix(block_size, n_embd),
        "lm_head": matrix(vocab_size, n_embd),
    }
    for i in range(n_layer):
        state_dict[f"layer{i}.attn_wq"] = matrix(n_embd, n_embd)
        state_dict[f"layer{i}.attn_wk"] = matrix(n_embd, n_embd)
        state_dict[f"layer{i}.attn_wv"] = matrix(n_embd, n_embd)
        state_dict[f"layer{i}.attn_wo"] = matrix(n_embd, n_embd)
        state_dict[f"layer{i}.mlp_fc1"] = matrix(4 * n_embd, n_embd)
        state_dict[f"layer{i}.mlp_fc2"] = matrix(n_embd, 4 * n_embd)
    return state_dict


def parameters(state_dict):
    return [p for mat in state_dict.values() for row in mat for p in row]


def gpt(state_dict, token_id, pos_id, keys, values):
    """Logits for the token after position pos_id. keys/values: the KV cache, one list per layer."""
    tok_emb = state_dict["wte"][token_id]
    pos_emb = state_dict["wpe"][pos_id]
    x = [t + p for t, p in zip(tok_emb, pos_emb)]
    x = rmsnorm(x)  # not redundant: the residual stream below starts from this normalised vector
    for li in range(n_layer):
        # 1) attention: the only place where this position looks at earlier ones
        x_residual = x
        x = rmsnorm(x)
        q = linear(x, state_dict[f"layer{li}.attn_wq"])
        k = linear(x, state_dict[f"layer{li}.attn_wk"])
        v = linear(x, state_dict[f"layer{li}.attn_wv"])
        keys[li].append(k)
        values[li].append(v)
        x_attn = []
        for h in range(n_head):
            hs = h * head_dim
            q_h = q[hs : hs + head_dim]
            k_h = [ki[hs : hs + head_dim] for ki in keys[li]]
            v_h = [vi[hs : hs + head_dim] for vi in values[li]]
            attn_logits = [
                sum(q_h[j] * k_h[t][j] for j in range(head_dim)) / head_dim**0.5
                for t in range(len(k_h))
            ]
            attn_weights = softmax(attn_logits)
            head_out = [
                sum(attn_weights[t] * v_h[t][j] for t in range(len(v_h))) for j in range(head_dim)
            ]
            x_attn.extend(head_out)
        x = linear(x_attn, state_dict[f"layer{li}.attn_wo"])
        x = [a + b for a, b in zip(x, x_residual)]
        # 2) MLP: each position thinks on its own
        x_residual = x
        x = rmsnorm(x)
        x = linear(x, state_dict[f"layer{li}.mlp_fc1"])
        x = [xi.relu() for xi in x]
        x = linear(x, state_dict[f"layer{li}.mlp_fc2"])
        x = [a + b for a, b in zip(x, x_residual)]
    return linear(x, state_dict["lm_head"])


def doc_loss(state_dict, tokens):
    """Mean cross-entropy of predicting each next token of one document, as a graph of Values."""
    n = min(block_size, len(tokens) - 1)
    keys, values = [[] for _ in range(n_layer)], [[] for _ in range(n_layer)]
    losses = []
    for pos_id in range(n):
        logits = gpt(state_dict, tokens[pos_id], pos_id, keys, values)
        probs = softmax(logits)
        losses.append(-probs[tokens[pos_id + 1]].log())
    return (1 / n) * sum(losses)

# sample: from 06_gpt.ipynb
def sample(state_dict, uchars, temperature=0.5):
    """Generate one document, token by token, feeding each choice back in (with the KV cache)."""
    if not temperature > 0:
        raise ValueError(f"temperature must be a number greater than 0, got {temperature!r}.")
    BOS = len(uchars)
    keys, values = [[] for _ in range(n_layer)], [[] for _ in range(n_layer)]
    token_id, out = BOS, []
    for pos_id in range(block_size):
        logits = gpt(state_dict, token_id, pos_id, keys, values)
        probs = softmax([l / temperature for l in logits])
        token_id = random.choices(range(len(uchars) + 1), weights=[p.data for p in probs])[0]
        if token_id == BOS:
            break
        out.append(uchars[token_id])
    return "".join(out)

# adam: from 07_optimization.ipynb
def train(state_dict, docs, uchars, num_steps=1000, learning_rate=0.01, beta1=0.85, beta2=0.99,
          eps_adam=1e-8, log=False):
    """Adam on one document per step, learning rate decaying
    linearly to 0. Returns the loss of every step."""
    params = parameters(state_dict)
    m = [0.0] * len(params)  # first moment: a running mean of each gradient
    v = [0.0] * len(params)  # second moment: a running mean of each squared gradient
    losses = []
    for step in range(num_steps):
        loss = doc_loss(state_dict, encode(docs[step % len(docs)], uchars))
        loss.backward()
        lr_t = learning_rate * (1 - step / num_steps)
        for i, p in enumerate(params):
            m[i] = beta1 * m[i] + (1 - beta1) * p.grad
            v[i] = beta2 * v[i] + (1 - beta2) * p.grad**2
            m_hat = m[i] / (1 - beta1 ** (step + 1))  # undo the pull towards 0 of the zero start
            v_hat = v[i] / (1 - beta2 ** (step + 1))
            p.data -= lr_t * m_hat / (v_hat**0.5 + eps_adam)
            p.grad = 0
        losses.append(loss.data)
        if log:
            print(f"step {step + 1:4d} / {num_steps:4d} | loss {loss.data:.4f}")
    return losses


def main(argv=None):
    """Train microgpt and print its trace (by default, the
    original's run). Returns (losses, names)."""
    parser = argparse.ArgumentParser(
        description="Train microgpt on a list of names, then sample new ones."
    )
    parser.add_argument(
        "--steps", type=int, default=1000, help="training steps, one document each (1000)"
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed (42)")
    parser.add_argument(
        "--temperature", type=float, default=0.5, help="sampling temperature, above 0 (0.5)"
    )
    parser.add_argument("--samples", type=int, default=20, help="how many names to sample (20)")
    parser.add_argument(
        "--data", help="text file, one document per line ($MICROGPT_DATA, else names.txt)"
    )
    args = parser.parse_args(argv)
    if args.steps < 1:
        sys.exit(f"microgpt: --steps must be at least 1, got {args.steps}.")
    if not args.temperature > 0:
        sys.exit(f"microgpt: --temperature must be greater than 0, got {args.temperature}.")
    if args.samples < 0:
        sys.exit(f"microgpt: --samples cannot be negative, got {args.samples}.")
    try:
        docs = load_docs(args.data)
    except DataError as e:
        sys.exit(f"microgpt: {e}")

    random.seed(args.seed)
    random.shuffle(docs)
    print(f"num docs: {len(docs)}")
    uchars = build_vocab(docs)
    print(f"vocab size: {len(uchars) + 1}")
    state_dict = init_params(len(uchars) + 1)
    print(f"num params: {len(parameters(state_dict))}")
    losses = train(state_dict, docs, uchars, args.steps, log=True)
    print("--- inference (new, hallucinated names) ---")
    names = []
    for i in range(args.samples):
        names.append(sample(state_dict, uchars, args.temperature))
        print(f"sample {i + 1:2d}: {names[-1]}")
    return losses, names


if __name__ == "__main__":
    main()
