"""data.py: generated from book/01_tokenizing.ipynb by tools/tangle.py. Do not edit by hand.

Edit the notebook, then run `make code` to regenerate this file.
"""

import hashlib
import os
import urllib.request

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
