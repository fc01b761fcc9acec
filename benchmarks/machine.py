"""What a side-by-side benchmark must record about the machine, shared by the scripts of this folder.

- `lift_pins()` removes OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE from this process's environment, so that both
  sides (PyTorch/numpy here, gcl's JVM started from here) run the OpenBLAS kernels a user's machine gets. Call it
  before importing numpy or torch (OpenBLAS reads the variables when it loads). The variables are changed for this
  command alone (the same as `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 ...`).
- `report(threads)` prints, and returns as text, which kernels each OpenBLAS chose: numpy's and PyTorch's through
  threadpoolctl, gcl's (org.bytedeco OpenBLAS 0.3.31, whose Java binding has no openblas_get_corename) by loading
  the very library file JavaCPP extracted to ~/.javacpp/cache with ctypes in this environment and asking it; and
  the machine's own sgemm figure (numpy float32 2048^3, best of 5) measured now, to set every ratio beside; and the
  load average.
"""
import ctypes
import glob
import os
import time

PINS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def lift_pins():
    """Unsets the pins for this command (and the processes it starts); returns what was set."""
    lifted = {k: os.environ.pop(k) for k in PINS if k in os.environ}
    return lifted


def gcl_openblas_core():
    """The core gcl's OpenBLAS picks in this environment, or a sentence saying why it is not known."""
    libs = sorted(glob.glob(os.path.expanduser("~/.javacpp/cache/openblas-*/org/bytedeco/openblas/*/libopenblas*.so.0")))
    if not libs:
        return "unknown (no ~/.javacpp/cache copy yet: run gcl once)"
    try:
        lib = ctypes.CDLL(libs[0])
        lib.openblas_get_corename.restype = ctypes.c_char_p
        lib.openblas_get_config.restype = ctypes.c_char_p
        return f"{lib.openblas_get_corename().decode()} ({lib.openblas_get_config().decode()}; {os.path.basename(libs[0])})"
    except (OSError, AttributeError) as e:
        return f"unknown ({e})"


def sgemm_gflops(threads, n=2048, reps=5):
    import numpy as np
    try:
        from threadpoolctl import threadpool_limits
        with threadpool_limits(limits=threads, user_api="blas"):
            return _sgemm(np, n, reps)
    except ImportError:
        return _sgemm(np, n, reps)


def _sgemm(np, n, reps):
    a = np.random.default_rng(0).standard_normal((n, n), dtype=np.float32)
    b = np.random.default_rng(1).standard_normal((n, n), dtype=np.float32)
    a @ b
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    return 2 * n ** 3 / best / 1e9


def report(threads, lifted=None):
    lines = []
    lines.append(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}; OPENBLAS_CORETYPE/L2_SIZE "
                 + (f"unset for this command (were {lifted})" if lifted else "not set"))
    try:
        from threadpoolctl import threadpool_info
        for info in threadpool_info():
            if info.get("internal_api") in ("openblas", "mkl", "blis"):
                lines.append(f"numpy/torch {info['internal_api']} {info.get('version')}: core "
                             f"{info.get('architecture')}, {info.get('num_threads')} threads ({info.get('filepath')})")
    except ImportError:
        lines.append("threadpoolctl missing (apt-get install python3-threadpoolctl): numpy/torch kernels unknown")
    lines.append(f"gcl OpenBLAS: core {gcl_openblas_core()}")
    lines.append(f"machine sgemm (numpy float32 2048^3, {threads} threads, best of 5): {sgemm_gflops(threads):.1f} GFLOP/s")
    text = "\n".join(lines)
    print(text, flush=True)
    return text
