"""toc.py: the book's table of contents (_toc.yml), read once for every tool and test that needs it."""
import os

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def toc_files(root=ROOT):
    """Every `file:` entry of _toc.yml (the root page first), in reading order, without extension."""
    with open(os.path.join(root, "_toc.yml")) as f:
        toc = yaml.safe_load(f)
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for key, value in node.items():
                if key != "file":
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk({k: v for k, v in toc.items() if k != "root"})
    return files


def chapter_notebooks(root=ROOT):
    """The pages of _toc.yml that are notebooks: paths like 'book/01_tokenizing.ipynb', in reading order."""
    return [f + ".ipynb" for f in toc_files(root) if os.path.isfile(os.path.join(root, f + ".ipynb"))]
