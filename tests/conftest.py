import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
sys.path.insert(0, os.path.join(ROOT, "code"))


@pytest.fixture
def run_script():
    """Run a script from code/ in a subprocess; return (exit code, stdout, stderr)."""
    def run(script, *args, env=None):
        result = subprocess.run([sys.executable, os.path.join(ROOT, "code", script), *args],
                                capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=900)
        return result.returncode, result.stdout, result.stderr
    return run
