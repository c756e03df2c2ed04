"""train2.py: generated from book/04_autograd.ipynb by tools/tangle.py. Do not edit by hand.

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

# mlp: from 03_mlp.ipynb
context_size = 3  # the model sees the 3 previous tokens (padded with BOS at the start of a name)
emb_dim = 8  # each token becomes a vector of 8 numbers
n_hidden = 32  # neurons in the hidden layer
# at most 16 predictions per name, as in microgpt, so that every chapter's val loss counts the
# same
block_size = 16


def make_examples(docs, uchars):
    """Every (context, next token) pair of every document, in order."""
    BOS = len(uchars)
    examples = []
    for doc in docs:
        tokens = encode(doc, uchars)
        for i in range(min(block_size, len(tokens) - 1)):
            context = ([BOS] * context_size + tokens[: i + 1])[-context_size:]
            examples.append((context, tokens[i + 1]))
    return examples


def init_mlp(vocab_size):
    """The MLP's weights: three matrices (lists of rows of floats), drawn at random."""

    def matrix(nout, nin, std):
        return [[random.gauss(0, std) for _ in range(nin)] for _ in range(nout)]

    n_in = context_size * emb_dim
    return {
        "wte": matrix(vocab_size, emb_dim, 1.0),  # (27, 8)
        "mlp_fc1": matrix(n_hidden, n_in, n_in**-0.5),  # (32, 24): keeps a about as large as x
        "lm_head": matrix(
            vocab_size, n_hidden, 0.1 * n_hidden**-0.5
        ),  # (27, 32): small, so we start near uniform
    }


def mlp_forward(params, context):
    """The probabilities of the next token, plus x and h, which the backward pass needs."""
    x = [xi for t in context for xi in params["wte"][t]]  # (24,)
    h = [math.tanh(sum(w * xi for w, xi in zip(row, x))) for row in params["mlp_fc1"]]  # (32,)
    logits = [sum(w * hi for w, hi in zip(row, h)) for row in params["lm_head"]]  # (27,)
    max_logit = max(logits)  # subtracting the max changes nothing but avoids overflow
    exps = [math.exp(z - max_logit) for z in logits]
    total = sum(exps)
    return x, h, [e / total for e in exps]


def mlp_backward(params, batch):
    """The mean cross-entropy over a batch of (context, target)
    pairs, and its gradient for every weight."""
    wte, fc1, head = params["wte"], params["mlp_fc1"], params["lm_head"]
    grads = {name: [[0.0] * len(row) for row in m] for name, m in params.items()}
    total_loss = 0.0
    for context, target in batch:
        x, h, probs = mlp_forward(params, context)
        total_loss += -math.log(probs[target])
        # softmax + cross-entropy
        dz = [(p - 1 if j == target else p) / len(batch) for j, p in enumerate(probs)]
        for grow, dzj in zip(grads["lm_head"], dz):  # z = W2 h
            grow[:] = [g + dzj * hi for g, hi in zip(grow, h)]
        dh = [sum(row[i] * dzj for row, dzj in zip(head, dz)) for i in range(n_hidden)]
        da = [dhi * (1 - hi * hi) for dhi, hi in zip(dh, h)]  # h = tanh(a)
        for grow, daj in zip(grads["mlp_fc1"], da):  # a = W1 x
            grow[:] = [g + daj * xi for g, xi in zip(grow, x)]
        dx = [sum(row[i] * daj for row, daj in zip(fc1, da)) for i in range(len(x))]
        for k, t in enumerate(context):  # x = wte rows side by side
            grow = grads["wte"][t]
            grow[:] = [g + d for g, d in zip(grow, dx[k * emb_dim : (k + 1) * emb_dim])]
    return total_loss / len(batch), grads


def sgd_step(params, grads, learning_rate):
    for name, m in params.items():
        for row, grow in zip(m, grads[name]):
            row[:] = [w - learning_rate * g for w, g in zip(row, grow)]


def train_mlp(params, examples, num_steps=1000, batch_size=8, learning_rate=1.0):
    """Plain SGD on random minibatches, the learning rate decaying
    linearly to 0. Returns every step's loss."""
    losses = []
    for step in range(num_steps):
        batch = [random.choice(examples) for _ in range(batch_size)]
        loss, grads = mlp_backward(params, batch)
        sgd_step(params, grads, learning_rate * (1 - step / num_steps))
        losses.append(loss)
    return losses


def mlp_val_loss(params, docs, uchars):
    """Mean cross-entropy over all next-token predictions of docs: the book's validation metric."""
    examples = make_examples(docs, uchars)
    return sum(
        -math.log(mlp_forward(params, context)[2][target]) for context, target in examples
    ) / len(examples)


def sample_mlp(params, uchars):
    """One new name, drawn token by token from the MLP."""
    BOS = len(uchars)
    context, ids = [BOS] * context_size, []
    for _ in range(block_size):
        probs = mlp_forward(params, context)[2]
        token = random.choices(range(len(probs)), weights=probs)[0]
        if token == BOS:
            break
        ids.append(token)
        context = context[1:] + [token]
    return decode(ids, uchars)


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


def tanh(a):
    t = math.tanh(a.data)
    return Value(t, (a,), (1 - t * t,))


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


def to_values(params):
    return {name: [[Value(w) for w in row] for row in m] for name, m in params.items()}


def to_floats(params):
    return {name: [[w.data for w in row] for row in m] for name, m in params.items()}


def mlp_loss(params, batch, linear=linear):
    """The MLP of chapter 3 as a Value expression: the mean cross-entropy over the batch."""
    losses = []
    for context, target in batch:
        x = [xi for t in context for xi in params["wte"][t]]     # (24,)
        h = [tanh(a) for a in linear(x, params["mlp_fc1"])]      # (32,)
        probs = softmax(linear(h, params["lm_head"]))            # (27,)
        losses.append(-probs[target].log())
    return sum(losses) / len(batch)


def train_mlp_autograd(params, examples, num_steps=1000, batch_size=8, learning_rate=1.0):
    """train_mlp of chapter 3, with Value.backward in place of mlp_backward."""
    weights = [w for m in params.values() for row in m for w in row]
    losses = []
    for step in range(num_steps):
        batch = [random.choice(examples) for _ in range(batch_size)]
        loss = mlp_loss(params, batch)
        loss.backward()
        lr = learning_rate * (1 - step / num_steps)
        for w in weights:
            w.data -= lr * w.grad
            w.grad = 0
        losses.append(loss.data)
    return losses


def main():
    random.seed(1337)
    params = to_values(init_mlp(vocab_size))
    train_mlp_autograd(params, make_examples(train_docs, uchars), num_steps=1000, batch_size=8)
    params = to_floats(params)
    print(f"val loss {mlp_val_loss(params, val_docs, uchars):.4f}")
    random.seed(42)
    for i in range(20):
        print(f"sample {i + 1:2d}: {sample_mlp(params, uchars)}")


if __name__ == "__main__":
    main()
