"""train3.py: generated from book/05_attention.ipynb by tools/tangle.py. Do not edit by hand.

Edit the notebook, then run `make code` to regenerate this file.
"""

import hashlib
import os
import urllib.request
import random
import math

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

# split: from 02_bigram.ipynb
random.seed(42)  # the original microgpt's seed: the same shuffle, so the same training names
docs = load_docs()
random.shuffle(docs)
n_val = 1000  # held-out names: never trained on, used to compare every model in the book
train_docs, val_docs = docs[:-n_val], docs[-n_val:]
uchars = build_vocab(docs)
BOS = len(uchars)
vocab_size = len(uchars) + 1


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


def rmsnorm(x):
    """Rescale x to a root-mean-square of 1, so activations keep a steady size."""
    ms = sum(xi * xi for xi in x) / len(x)  # mean of the squares
    scale = (ms + 1e-5) ** -0.5  # 1e-5: no division by zero for an all-zero x
    return [xi * scale for xi in x]


n_embd = 16  # width: every token is a vector of 16 numbers
block_size = 16  # positions the model knows: wpe has one row per position


def matrix(nout, nin, std=0.08):
    return [[Value(random.gauss(0, std)) for _ in range(nin)] for _ in range(nout)]


def init_params1(vocab_size):
    """A one-head attention model: two embedding tables, four attention matrices and lm_head."""
    return {
        "wte": matrix(vocab_size, n_embd),
        "wpe": matrix(block_size, n_embd),
        "attn_wq": matrix(n_embd, n_embd),
        "attn_wk": matrix(n_embd, n_embd),
        "attn_wv": matrix(n_embd, n_embd),
        "attn_wo": matrix(n_embd, n_embd),
        "lm_head": matrix(vocab_size, n_embd),
    }


def parameters(state_dict):
    return [p for mat in state_dict.values() for row in mat for p in row]


def attention_weights(q, keys):
    """How much a query looks at each cached key: scaled dot products, then softmax."""
    return softmax([sum(qi * ki for qi, ki in zip(q, k)) / len(q) ** 0.5 for k in keys])


def attend(q, keys, values):
    """One head: the average of the cached values, weighted by attention_weights."""
    weights = attention_weights(q, keys)
    return [sum(w * v[j] for w, v in zip(weights, values)) for j in range(len(q))]


def gpt1(state_dict, token_id, pos_id, keys, values, attend=attend):
    """Logits for the token after position pos_id.
    keys/values: the cache of the positions before it."""
    x = [t + p for t, p in zip(state_dict["wte"][token_id], state_dict["wpe"][pos_id])]
    x = rmsnorm(x)
    q = linear(x, state_dict["attn_wq"])
    keys.append(linear(x, state_dict["attn_wk"]))
    values.append(linear(x, state_dict["attn_wv"]))
    x_attn = linear(attend(q, keys, values), state_dict["attn_wo"])  # looks at positions 0..pos_id
    x = [a + r for a, r in zip(x_attn, x)]  # the residual connection
    return linear(x, state_dict["lm_head"])


def doc_loss1(state_dict, tokens):
    """Mean cross-entropy of predicting each next token of one document."""
    n = min(block_size, len(tokens) - 1)
    keys, values, losses = [], [], []
    for pos_id in range(n):
        probs = softmax(gpt1(state_dict, tokens[pos_id], pos_id, keys, values))
        losses.append(-probs[tokens[pos_id + 1]].log())
    return (1 / n) * sum(losses)


def train_sgd(loss_fn, state_dict, docs, num_steps, learning_rate):
    """Plain SGD, one document per step: p <- p - lr * dloss/dp, lr decaying linearly from
    learning_rate to 0.
    Returns the loss of every step."""
    params = parameters(state_dict)
    losses = []
    for step in range(num_steps):
        loss = loss_fn(state_dict, encode(docs[step % len(docs)], uchars))
        loss.backward()
        lr = learning_rate * (1 - step / num_steps)
        for p in params:
            p.data -= lr * p.grad
            p.grad = 0
        losses.append(loss.data)
    return losses


def val_loss(loss_fn, state_dict, docs):
    """Mean cross-entropy over every prediction in docs (at
    most block_size per document), in nats."""
    total, count = 0.0, 0
    for doc in docs:
        tokens = encode(doc, uchars)
        n = min(block_size, len(tokens) - 1)
        total += loss_fn(state_dict, tokens).data * n  # doc_loss is a mean over n predictions
        count += n
    return total / count


def sample1(state_dict, temperature=0.5):
    """A new name from gpt1, one token at a time, each choice fed back in."""
    keys, values, token_id, out = [], [], BOS, []
    for pos_id in range(block_size):
        probs = softmax([l / temperature for l in gpt1(state_dict, token_id, pos_id, keys, values)])
        token_id = random.choices(range(vocab_size), weights=[p.data for p in probs])[0]
        if token_id == BOS:
            break
        out.append(uchars[token_id])
    return "".join(out)


def main(num_steps=600, learning_rate=0.3):
    """Train the one-head attention model with SGD, score it on
    the validation names, sample 20 names."""
    random.seed(42)
    state_dict = init_params1(vocab_size)
    print(f"num docs: {len(train_docs)} train, {len(val_docs)} val")
    print(f"num params: {len(parameters(state_dict))}")
    losses = train_sgd(doc_loss1, state_dict, train_docs, num_steps, learning_rate)
    print(
        f"steps: {num_steps}, mean loss of the last 100 steps: "
        f"{sum(losses[-100:]) / len(losses[-100:]):.4f}"
    )
    print(f"val loss: {val_loss(doc_loss1, state_dict, val_docs):.4f}")
    print("--- inference (new, hallucinated names) ---")
    random.seed(42)
    for i in range(20):
        print(f"sample {i + 1:2d}: {sample1(state_dict)}")
    return state_dict


if __name__ == "__main__":
    main()
