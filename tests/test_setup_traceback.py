"""An error raised inside setup code names the chapter and block that define the function, and shows its line:
`File <setup: 01_tokenizing block tokenizer>:..., in encode`, not only "Cell In[1], line 263". The setup cell
renames its functions' code (tangle writes the call; chapter.SETUP_NAMER is the function), in the build and in
Colab (IPython) and in live mode (tools' live_kernel)."""
import os
import re
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from chapter import cell_source, read_notebook, strip_directives
from conftest import ROOT

CHAPTER = os.path.join(ROOT, "book", "02_bigram.ipynb")
FAILING = 'encode("emma!", list("aem"))'  # encode (chapter 1, block tokenizer) refuses an unknown character
WHERE = "<setup: 01_tokenizing block tokenizer>"
LINE = "raise ValueError("


def setup_code():
    return strip_directives(cell_source(read_notebook(CHAPTER)["cells"][1]))


@pytest.mark.notebook
def test_a_traceback_from_setup_code_names_its_chapter_and_block_in_ipython(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(setup_code()), nbformat.v4.new_code_cell(FAILING)])
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    [error] = [o for o in nb.cells[1].outputs if o.output_type == "error"]
    text = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(error.traceback))
    assert error.ename == "ValueError" and WHERE in text and LINE in text, text
    assert "Cell In[1]" not in text, text


def test_a_traceback_from_setup_code_names_its_chapter_and_block_live():
    script = (f"import sys\nsys.path.insert(0, {os.path.join(ROOT, 'book', '_static', 'live')!r})\n"
              "import live_kernel\n"
              f"assert live_kernel.run({setup_code()!r}, 'setup') == 'ok'\n"
              f"assert live_kernel.run({FAILING!r}, 'cell 2') == 'error'\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f'File "{WHERE}"' in result.stderr and LINE in result.stderr, result.stderr
