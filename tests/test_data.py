"""The data loader: the happy paths and every error case, each a single readable sentence.

The last test runs the first chapter notebook without the data and without a network, as a Colab reader
might: it must stop with the loader's one-sentence message (marker `notebook`: it starts a kernel).
"""
import hashlib
import os
import urllib.request

import pytest
from nbclient.exceptions import CellExecutionError

import data
from conftest import assert_one_sentence, run_alone

DEAD_PROXY = "http://127.0.0.1:9"  # nothing listens on the discard port: every download fails at once


@pytest.fixture
def env(monkeypatch, tmp_path):
    """No MICROGPT_DATA, an empty private cache folder, and no network unless a test provides one."""
    monkeypatch.delenv("MICROGPT_DATA", raising=False)
    monkeypatch.setenv("MICROGPT_CACHE", str(tmp_path / "cache"))

    def offline(url, filename):
        raise urllib.error.URLError("network is unreachable")
    monkeypatch.setattr(urllib.request, "urlretrieve", offline)
    return tmp_path


def serve(monkeypatch, content):
    """Pretend the pinned URL answers with these bytes."""
    def fake_urlretrieve(url, filename):
        assert url == data.NAMES_URL
        with open(filename, "wb") as f:
            f.write(content)
    monkeypatch.setattr(urllib.request, "urlretrieve", fake_urlretrieve)


def test_the_pinned_file_is_the_one_we_know(names):
    assert hashlib.sha256(open(names, "rb").read()).hexdigest() == data.NAMES_SHA256


def test_environment_variable_is_used(names, env, monkeypatch):
    monkeypatch.setenv("MICROGPT_DATA", names)
    docs = data.load_docs()
    assert len(docs) == 32033 and docs[0] == "emma" and all(d == d.strip() and d for d in docs)


def test_explicit_path_wins_and_any_characters_work(names, env, monkeypatch):
    monkeypatch.setenv("MICROGPT_DATA", names)
    path = env / "mine.txt"
    path.write_text("  Zoë\r\n\n Åsa \nbob\n", encoding="utf-8")
    assert data.load_docs(str(path)) == ["Zoë", "Åsa", "bob"]


def test_download_is_verified_and_cached(names, env, monkeypatch):
    serve(monkeypatch, open(names, "rb").read())
    assert len(data.load_docs()) == 32033
    assert os.path.isfile(data.cache_path()) and not os.path.exists(data.cache_path() + ".part")
    monkeypatch.setattr(urllib.request, "urlretrieve", None)  # a second load must not download
    assert len(data.load_docs()) == 32033


def test_missing_file(env):
    with pytest.raises(data.DataError) as e:
        data.load_docs(str(env / "nope.txt"))
    assert "does not exist" in str(e.value)
    assert_one_sentence(str(e.value))


def test_offline_without_a_copy(env):
    with pytest.raises(data.DataError) as e:
        data.load_docs()
    assert "Could not download" in str(e.value) and "MICROGPT_DATA" in str(e.value)
    assert_one_sentence(str(e.value))
    assert not os.path.exists(data.cache_path()) and not os.path.exists(data.cache_path() + ".part")


def test_download_with_wrong_checksum_leaves_nothing(env, monkeypatch):
    serve(monkeypatch, b"mallory\n")
    with pytest.raises(data.DataError) as e:
        data.load_docs()
    assert "sha256" in str(e.value)
    assert_one_sentence(str(e.value))
    assert os.listdir(os.path.dirname(data.cache_path())) == []


def test_damaged_cache(env):
    os.makedirs(os.path.dirname(data.cache_path()))
    with open(data.cache_path(), "w") as f:
        f.write("emma\nolivia\n")
    with pytest.raises(data.DataError) as e:
        data.load_docs()
    assert "delete it" in str(e.value)
    assert_one_sentence(str(e.value))


@pytest.mark.parametrize("content, words", [(b"", "is empty"), (b"\n  \n\t\n", "no usable lines"),
                                             (b"\xff\xfe\x00bad", "not UTF-8")])
def test_bad_files(env, content, words):
    path = env / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(data.DataError) as e:
        data.load_docs(str(path))
    assert words in str(e.value)
    assert_one_sentence(str(e.value))


@pytest.mark.notebook
def test_without_data_and_offline_a_notebook_stops_with_one_sentence(tmp_path):
    proxies = {k: DEAD_PROXY for k in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY")}
    with pytest.raises(CellExecutionError) as error:
        run_alone("book/01_tokenizing.ipynb", tmp_path, MICROGPT_DATA=None, NO_PROXY=None, no_proxy=None, **proxies)
    e = error.value
    assert e.ename == "DataError", str(e)
    assert e.evalue.startswith(f"Could not download names.txt from {data.NAMES_URL}"), e.evalue
    assert e.evalue.endswith("or set MICROGPT_DATA to the path of a local copy."), e.evalue
    assert_one_sentence(e.evalue)
    assert "During handling of the above exception" not in str(e)  # the message stands alone, no chained noise
    assert not os.path.exists(tmp_path / "cache" / "names.txt")
    assert not os.path.exists(tmp_path / "cache" / "names.txt.part")
