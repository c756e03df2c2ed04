"""pyodide_fetch.py: put the pinned Pyodide core (Python compiled to WebAssembly) into the built site.

The pin is tools/pyodide.json: the npm version, the npm tarball's integrity (sha512, as npm reports it) and
a subresource-integrity hash (sha384) of every core file. The tarball comes from `npm pack` (or the cache,
$MICROGPT_CACHE, else ~/.cache/microgpt), is checked against the pin, and only the core files are unpacked,
each checked too. Without npm the site loads the same files from the CDN, and the browser checks them with
the same hashes.

    python tools/pyodide_fetch.py DEST            # install the pinned core into DEST
    python tools/pyodide_fetch.py --pin VERSION   # move the pin to another version (rewrites pyodide.json)
"""
import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

PIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pyodide.json")
CORE = ["pyodide.js", "pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"]


class FetchError(Exception):
    """The pinned core could not be had (no npm, no cache); the site falls back to the CDN."""


def load_pin():
    with open(PIN, encoding="utf-8") as f:
        return json.load(f)


def integrity(data, algorithm):
    """A hash in the form npm and browsers use: 'sha512-<base64>'."""
    return f"{algorithm}-{base64.b64encode(hashlib.new(algorithm, data).digest()).decode()}"


def cache_dir():
    return os.environ.get("MICROGPT_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "microgpt")


def npm_pack(version):
    """The bytes of `npm pack pyodide@version`, fetched into a temporary folder."""
    npm = shutil.which("npm")
    if not npm:
        raise FetchError("npm is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run([npm, "pack", f"pyodide@{version}", "--pack-destination", tmp, "--json"],
                                capture_output=True, text=True, timeout=600, cwd=tmp)
        if result.returncode != 0:
            raise FetchError(f"npm pack pyodide@{version} failed: {result.stderr.strip()[-300:]}")
        filename = json.loads(result.stdout)[0]["filename"]
        with open(os.path.join(tmp, filename), "rb") as f:
            return f.read()


def tarball(pin):
    """The pinned tarball's bytes, from the cache or from npm; checked against the pin either way."""
    path = os.path.join(cache_dir(), f"pyodide-{pin['version']}.tgz")
    if os.path.isfile(path):
        with open(path, "rb") as f:
            data = f.read()
        if integrity(data, "sha512") == pin["integrity"]:
            return data
    data = npm_pack(pin["version"])
    if integrity(data, "sha512") != pin["integrity"]:
        raise ValueError(f"npm's pyodide@{pin['version']} does not match the integrity pinned in {PIN}")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".part", "wb") as f:
        f.write(data)
    os.replace(path + ".part", path)
    return data


def core_files(data):
    """{name: bytes} of the core files in the tarball."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        return {name: tar.extractfile(f"package/{name}").read() for name in CORE}


def install(dest):
    """Unpack the pinned core into dest, every file checked against its pinned hash. Raises FetchError."""
    pin = load_pin()
    wanted = pin["files"]
    if all(os.path.isfile(os.path.join(dest, n)) and integrity(open(os.path.join(dest, n), "rb").read(), "sha384")
           == wanted[n] for n in CORE):
        return  # already there (an incremental rebuild)
    files = core_files(tarball(pin))
    os.makedirs(dest, exist_ok=True)
    for name, content in files.items():
        if integrity(content, "sha384") != wanted[name]:
            raise ValueError(f"{name} of pyodide@{pin['version']} does not match its hash in {PIN}")
        with open(os.path.join(dest, name), "wb") as f:
            f.write(content)


def repin(version):
    """Point the pin at another version: fetch it with npm, record npm's integrity and every core file's hash."""
    data = npm_pack(version)
    pin = {"version": version,
           "integrity": integrity(data, "sha512"),
           "cdn": f"https://cdn.jsdelivr.net/npm/pyodide@{version}/",
           "packages": f"https://cdn.jsdelivr.net/pyodide/v{version}/full/",
           "files": {name: integrity(content, "sha384") for name, content in core_files(data).items()}}
    with open(PIN, "w", encoding="utf-8") as f:
        json.dump(pin, f, indent=2)
        f.write("\n")
    print(f"pinned pyodide@{version} in {PIN}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--pin":
        repin(sys.argv[2])
    elif len(sys.argv) == 2 and not sys.argv[1].startswith("-"):
        install(sys.argv[1])
        print(f"pyodide@{load_pin()['version']} core installed in {sys.argv[1]}")
    else:
        sys.exit(__doc__)
