"""microgpt_numpy.py: generated from book/12_numpy.ipynb by tools/tangle.py. Do not edit by hand.

Edit the notebook, then run `make code` to regenerate this file.
"""

import os
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core, like pure Python: before numpy loads
import hashlib
import urllib.request
import numpy as np
import random
from dataclasses import dataclass
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


@dataclass
class Config:
    vocab_size: int = 27
    n_layer: int = 1
    n_embd: int = 16
    n_head: int = 4
    block_size: int = 16
    window: int = 0  # how many positions a token attends to, itself included (0: all earlier ones)


def weight_shapes(cfg):
    """Every weight matrix by name, (rows, columns) = (out,
    in), in the order init_params draws them."""
    C = cfg.n_embd
    shapes = {
        "wte": (cfg.vocab_size, C),
        "wpe": (cfg.block_size, C),
        "lm_head": (cfg.vocab_size, C),
    }
    for i in range(cfg.n_layer):
        shapes |= {
            f"layer{i}.attn_wq": (C, C),
            f"layer{i}.attn_wk": (C, C),
            f"layer{i}.attn_wv": (C, C),
            f"layer{i}.attn_wo": (C, C),
            f"layer{i}.mlp_fc1": (4 * C, C),
            f"layer{i}.mlp_fc2": (C, 4 * C),
        }
    return shapes


def views(flat, cfg):
    """The weight matrices as views into one flat vector: changing the vector changes them all."""
    out, start = {}, 0
    for name, (rows, cols) in weight_shapes(cfg).items():
        out[name] = flat[start : start + rows * cols].reshape(rows, cols)
        start += rows * cols
    return out


def init_weights(cfg, std=0.08):
    """The same random.gauss draws, in the same order, as init_params: the same starting model."""
    n = sum(rows * cols for rows, cols in weight_shapes(cfg).values())
    return np.array([random.gauss(0, std) for _ in range(n)])


def rmsnorm_forward(x):
    scale = (np.mean(x * x, axis=-1, keepdims=True) + 1e-5) ** -0.5  # (..., 1)
    return x * scale, scale


def rmsnorm_backward(dy, x, scale):
    return scale * dy - scale**3 * x * np.mean(dy * x, axis=-1, keepdims=True)


def softmax_rows(z):
    # subtracting the max changes nothing but avoids overflow
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def split_heads(x, H):
    B, T, C = x.shape
    return x.reshape(B, T, H, C // H).transpose(0, 2, 1, 3)  # (B, T, C) -> (B, H, T, D)


def merge_heads(x):
    B, H, T, D = x.shape
    return x.transpose(0, 2, 1, 3).reshape(B, T, H * D)  # (B, H, T, D) -> (B, T, C)


def forward(w, cfg, idx, edit=None):
    """Logits for every position of a batch of token sequences idx (B, T), and what backward
    needs. edit(name, out), if given, may replace a block's output (to measure what it is worth)."""
    B, T = idx.shape
    D = cfg.n_embd // cfg.n_head
    causal = np.triu(np.full((T, T), -np.inf), k=1)  # position t may not look at t+1, t+2, ...
    if cfg.window:  # nor back beyond t - window + 1
        causal += np.tril(np.full((T, T), -np.inf), k=-cfg.window)
    x_emb = w["wte"][idx] + w["wpe"][:T]  # (B, T, C)
    x, s_emb = rmsnorm_forward(x_emb)
    layers = []
    for i in range(cfg.n_layer):
        L = f"layer{i}."
        # 1) attention
        xa, sa = rmsnorm_forward(x)
        q = split_heads(xa @ w[L + "attn_wq"].T, cfg.n_head)  # (B, H, T, D)
        k = split_heads(xa @ w[L + "attn_wk"].T, cfg.n_head)
        v = split_heads(xa @ w[L + "attn_wv"].T, cfg.n_head)
        att = softmax_rows(q @ k.transpose(0, 1, 3, 2) / D**0.5 + causal)  # (B, H, T, T)
        heads = merge_heads(att @ v)  # (B, T, C)
        out = heads @ w[L + "attn_wo"].T
        x1 = x + (edit(L + "attn", out) if edit else out)
        # 2) MLP
        xm, sm = rmsnorm_forward(x1)
        h = xm @ w[L + "mlp_fc1"].T  # (B, T, 4C)
        r = np.maximum(h, 0)
        layers.append((x, xa, sa, q, k, v, att, heads, x1, xm, sm, h, r))
        out = r @ w[L + "mlp_fc2"].T
        x = x1 + (edit(L + "mlp", out) if edit else out)
    logits = x @ w["lm_head"].T  # (B, T, V)
    return logits, (x_emb, s_emb, layers, x)


def backward(dlogits, w, cfg, idx, cache):
    """The gradient of every weight, as one flat vector, given d loss / d logits."""
    grad = np.zeros(sum(a.size for a in w.values()))
    g = views(grad, cfg)
    x_emb, s_emb, layers, x = cache
    B, T = idx.shape
    C, H, D = cfg.n_embd, cfg.n_head, cfg.n_embd // cfg.n_head
    g["lm_head"] += dlogits.reshape(-1, cfg.vocab_size).T @ x.reshape(-1, C)
    dx = dlogits @ w["lm_head"]
    for i in reversed(range(cfg.n_layer)):
        L = f"layer{i}."
        x, xa, sa, q, k, v, att, heads, x1, xm, sm, h, r = layers[i]
        # 2) MLP, backwards; the residual sends dx on unchanged, and the branch adds to it
        g[L + "mlp_fc2"] += dx.reshape(-1, C).T @ r.reshape(-1, 4 * C)
        dh = (dx @ w[L + "mlp_fc2"]) * (h > 0)
        g[L + "mlp_fc1"] += dh.reshape(-1, 4 * C).T @ xm.reshape(-1, C)
        dx = dx + rmsnorm_backward(dh @ w[L + "mlp_fc1"], x1, sm)
        # 1) attention, backwards
        g[L + "attn_wo"] += dx.reshape(-1, C).T @ heads.reshape(-1, C)
        dout = split_heads(dx @ w[L + "attn_wo"], H)  # (B, H, T, D)
        datt = dout @ v.transpose(0, 1, 3, 2)  # (B, H, T, T)
        dv = att.transpose(0, 1, 3, 2) @ dout
        dscores = att * (datt - (datt * att).sum(axis=-1, keepdims=True)) / D**0.5
        dq = dscores @ k
        dk = dscores.transpose(0, 1, 3, 2) @ q
        dxa = 0
        for name, d in (("attn_wq", dq), ("attn_wk", dk), ("attn_wv", dv)):
            d = merge_heads(d).reshape(-1, C)
            g[L + name] += d.T @ xa.reshape(-1, C)
            dxa = dxa + d @ w[L + name]
        dx = dx + rmsnorm_backward(dxa.reshape(B, T, C), x, sa)
    dx_emb = rmsnorm_backward(dx, x_emb, s_emb)
    np.add.at(g["wte"], idx, dx_emb)  # a token that occurs twice collects both gradients
    g["wpe"][:T] += dx_emb.sum(axis=0)
    return grad


def cross_entropy(logits, targets, mask):
    """Mean -log p(target) over the positions where mask is 1, and d loss / d logits."""
    probs = softmax_rows(logits)
    p_target = np.take_along_axis(probs, targets[..., None], axis=-1)[..., 0]  # (B, T)
    n = mask.sum()
    loss = -(np.log(p_target) * mask).sum() / n
    dlogits = probs
    np.put_along_axis(dlogits, targets[..., None], (p_target - 1)[..., None], axis=-1)
    return loss, dlogits * (mask / n)[..., None]


def loss_and_grad(flat, cfg, idx, targets, mask):
    w = views(flat, cfg)
    logits, cache = forward(w, cfg, idx)
    loss, dlogits = cross_entropy(logits, targets, mask)
    return loss, backward(dlogits, w, cfg, idx, cache)


def make_batch(docs, uchars, block_size):
    """Documents as (B, T) arrays: inputs, targets, and a mask
    that is 0 where a shorter one is padded."""
    rows = [encode(doc, uchars)[: block_size + 1] for doc in docs]
    T = max(len(row) for row in rows) - 1
    idx = np.zeros((len(rows), T), dtype=np.int64)
    targets = np.zeros((len(rows), T), dtype=np.int64)
    mask = np.zeros((len(rows), T))
    for b, row in enumerate(rows):
        n = len(row) - 1
        idx[b, :n], targets[b, :n], mask[b, :n] = row[:-1], row[1:], 1.0
    return idx, targets, mask


def train_numpy(
    flat,
    cfg,
    docs,
    uchars,
    num_steps=1000,
    batch_size=1,
    learning_rate=0.01,
    beta1=0.85,
    beta2=0.99,
    eps_adam=1e-8,
    log=False,
    frozen=(),
):
    """Adam, as in train, on batch_size documents per step, in order. Updates flat in place;
    returns the losses. The weights named in frozen keep their values."""
    m = np.zeros_like(flat)  # first moment
    v = np.zeros_like(flat)  # second moment
    losses = []
    for step in range(num_steps):
        start = (step * batch_size) % len(docs)
        loss, grad = loss_and_grad(
            flat, cfg, *make_batch(docs[start : start + batch_size], uchars, cfg.block_size)
        )
        for name in frozen:
            views(grad, cfg)[name][:] = 0  # no gradient, so Adam never moves them
        lr_t = learning_rate * (1 - step / num_steps)
        m[:] = beta1 * m + (1 - beta1) * grad
        v[:] = beta2 * v + (1 - beta2) * grad**2
        m_hat = m / (1 - beta1 ** (step + 1))
        v_hat = v / (1 - beta2 ** (step + 1))
        flat -= lr_t * m_hat / (v_hat**0.5 + eps_adam)
        losses.append(float(loss))
        if log:
            print(f"step {step + 1:4d} / {num_steps:4d} | loss {loss:.4f}")
    return losses


def sample_numpy(flat, cfg, uchars, temperature=0.5):
    """Generate one document token by token, like sample (with the same random.choices)."""
    if not temperature > 0:
        raise ValueError(f"temperature must be a number greater than 0, got {temperature!r}.")
    BOS = len(uchars)
    ids = [BOS]
    for _ in range(cfg.block_size):
        logits, _ = forward(views(flat, cfg), cfg, np.array([ids]))
        probs = softmax_rows(logits[0, -1] / temperature)
        token_id = random.choices(range(cfg.vocab_size), weights=probs.tolist())[0]
        if token_id == BOS:
            break
        ids.append(token_id)
    return decode(ids, uchars)


def run_trace(
    docs,
    uchars,
    cfg,
    num_steps=1000,
    num_samples=20,
    temperature=0.5,
    batch_size=1,
    learning_rate=0.01,
):
    """Train from init_weights and sample, printing microgpt's
    trace. Call right after seeding and shuffling."""
    flat = init_weights(cfg)
    print(f"num docs: {len(docs)}")
    print(f"vocab size: {len(uchars) + 1}")
    print(f"num params: {flat.size}")
    losses = train_numpy(flat, cfg, docs, uchars, num_steps, batch_size, learning_rate, log=True)
    print("--- inference (new, hallucinated names) ---")
    names = [sample_numpy(flat, cfg, uchars, temperature) for _ in range(num_samples)]
    for i, name in enumerate(names):
        print(f"sample {i + 1:2d}: {name}")
    return flat, losses, names


def main(argv=None):
    """Train microgpt with numpy and print its trace (by default, exactly the original's).
    Returns (losses, names)."""
    parser = argparse.ArgumentParser(
        description="microgpt in numpy: train on a list of names, then sample new ones."
    )
    parser.add_argument("--steps", type=int, default=1000, help="training steps (1000)")
    parser.add_argument("--batch-size", type=int, default=1, help="documents per step (1)")
    parser.add_argument("--n-layer", type=int, default=1, help="transformer blocks (1)")
    parser.add_argument("--n-embd", type=int, default=16, help="width, a multiple of --n-head (16)")
    parser.add_argument("--n-head", type=int, default=4, help="attention heads (4)")
    parser.add_argument(
        "--learning-rate", type=float, default=0.01, help="Adam's initial learning rate (0.01)"
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
    for name in ("steps", "batch_size", "n_layer", "n_embd", "n_head"):
        if getattr(args, name) < 1:
            sys.exit(
                f"microgpt_numpy: --{name.replace('_', '-')} must be at least 1, got "
                f"{getattr(args, name)}."
            )
    if args.n_embd % args.n_head:
        sys.exit(
            f"microgpt_numpy: --n-embd ({args.n_embd}) must be a multiple of --n-head "
            f"({args.n_head})."
        )
    if not args.learning_rate > 0:
        sys.exit(
            f"microgpt_numpy: --learning-rate must be greater than 0, got {args.learning_rate}."
        )
    if not args.temperature > 0:
        sys.exit(f"microgpt_numpy: --temperature must be greater than 0, got {args.temperature}.")
    if args.samples < 0:
        sys.exit(f"microgpt_numpy: --samples cannot be negative, got {args.samples}.")
    try:
        docs = load_docs(args.data)
    except DataError as e:
        sys.exit(f"microgpt_numpy: {e}")

    random.seed(args.seed)
    random.shuffle(docs)
    uchars = build_vocab(docs)
    cfg = Config(len(uchars) + 1, args.n_layer, args.n_embd, args.n_head, block_size=16)
    _, losses, names = run_trace(
        docs,
        uchars,
        cfg,
        args.steps,
        args.samples,
        args.temperature,
        args.batch_size,
        args.learning_rate,
    )
    return losses, names


def val_loss_numpy(flat, cfg, docs, uchars):
    """Mean next-token cross-entropy (nats) over all
    predictions of docs, each truncated to block_size."""
    idx, targets, mask = make_batch(docs, uchars, cfg.block_size)
    logits, _ = forward(views(flat, cfg), cfg, idx)
    return float(cross_entropy(logits, targets, mask)[0])


if __name__ == "__main__":
    main()
