"""train0.py: generated from book/02_bigram.ipynb by tools/tangle.py. Do not edit by hand.

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


random.seed(42)  # the original microgpt's seed: the same shuffle, so the same training names
docs = load_docs()
random.shuffle(docs)
n_val = 1000  # held-out names: never trained on, used to compare every model in the book
train_docs, val_docs = docs[:-n_val], docs[-n_val:]
uchars = build_vocab(docs)
BOS = len(uchars)
vocab_size = len(uchars) + 1


block_size = (
    16  # the longest context microgpt sees; the ladder scores every model on these predictions
)


def count_bigrams(docs, uchars):
    """counts[a][b]: how often token b follows token a, over all docs wrapped in BOS."""
    vocab_size = len(uchars) + 1
    counts = [[0] * vocab_size for _ in range(vocab_size)]
    for doc in docs:
        tokens = encode(doc, uchars)
        for a, b in zip(tokens, tokens[1:]):
            counts[a][b] += 1
    return counts


def bigram_probs(counts, smoothing=1):
    """Each row of counts, plus smoothing, divided by its sum:
    probs[a][b] = P(next is b | current is a)."""
    probs = []
    for row in counts:
        total = sum(row) + smoothing * len(row)
        probs.append([(n + smoothing) / total for n in row])
    return probs


def sample_bigram(probs, uchars):
    """Draw one name: start at BOS, follow the table, stop at BOS (or after block_size tokens)."""
    BOS = len(uchars)
    token, ids = BOS, []
    for _ in range(block_size):
        token = random.choices(range(len(probs)), weights=probs[token])[0]
        if token == BOS:
            break
        ids.append(token)
    return decode(ids, uchars)


def bigram_loss(probs, docs, uchars):
    """Mean -ln P(next | current) over every prediction in docs
    (at most block_size per doc), in nats."""
    total, n = 0.0, 0
    for doc in docs:
        tokens = encode(doc, uchars)
        for a, b in list(zip(tokens, tokens[1:]))[:block_size]:
            total -= math.log(probs[a][b])
            n += 1
    return total / n


def main():
    """Count bigrams in the training names, score them on the validation names, sample 20 names."""
    probs = bigram_probs(count_bigrams(train_docs, uchars))
    print(f"num docs: {len(train_docs)} train, {len(val_docs)} val")
    print(f"vocab size: {vocab_size}")
    print(f"num params: {vocab_size * vocab_size} (counts)")
    print(f"uniform val loss: {math.log(vocab_size):.4f}")
    print(f"train loss: {bigram_loss(probs, train_docs, uchars):.4f}")
    print(f"val loss: {bigram_loss(probs, val_docs, uchars):.4f}")
    print("--- inference (new, hallucinated names) ---")
    random.seed(42)
    for i in range(20):
        print(f"sample {i + 1:2d}: {sample_bigram(probs, uchars)}")


if __name__ == "__main__":
    main()
