"""machine.py: what decides the last bits of numpy's numbers here: CPU features and the BLAS kernel.

Printed by .ci/run; it changes nothing (OPENBLAS_CORETYPE is read, never set). Numbers glued with
measured=True or noise= may differ between two machines whose lines here differ (see tools/glued.py).
"""
import os

import numpy
import threadpoolctl
from numpy._core._multiarray_umath import __cpu_features__


def main():
    families = ("AVX", "SSE4", "NEON", "ASIMD")
    simd = [name for name, on in __cpu_features__.items() if on and name.startswith(families)]
    print(f"numpy {numpy.__version__}; CPU features: {' '.join(simd) or 'none of AVX/SSE4/NEON'}")
    for lib in threadpoolctl.threadpool_info():
        print(f"{lib['internal_api']} {lib.get('version')}: kernel {lib.get('architecture')}, "
              f"{lib.get('num_threads')} threads")
    print(f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")


if __name__ == "__main__":
    main()
