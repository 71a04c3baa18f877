"""How many threads a stage uses, decided once from the machine and applied to every library that starts threads.

The number is the count of cores this process may run on (``os.sched_getaffinity``; a cgroup CPU
quota, as in a container with ``--cpus``, lowers it), unless ``REDNOTE_THREADS`` sets it. More
threads than cores only make them wait for each other (README, *Scaling*, has the measurements).

:func:`limit_threads` (called by :func:`rednote.core.stage.run` before a stage's ``main``) applies it to
the BLAS and OpenMP pools already loaded (NumPy, SciPy, scikit-learn; through ``threadpoolctl``),
to the environment variables that libraries loaded later read (OpenBLAS, MKL, OpenMP, TensorFlow's
intra- and inter-op pools), and to TensorFlow's pools if it is already imported. Libraries with
their own thread argument get the number passed (``USE(threads=...)`` in :mod:`rednote.embed.encoders`).
``train.threads`` still fixes TensorFlow's threads for training, where it is part of what makes
reruns give the same bytes.

The thread count changes outputs only as float noise (BLAS sums in another order: USE vectors of 1 and 2
threads differ by at most 2.9e-7 per component, ``tests/core/test_threads.py``; every human-facing number
agrees within the review's tolerance, README *Reproducibility*), so it is an environment setting, not a param.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from rednote.core.errors import UserError

ENV = "REDNOTE_THREADS"
#: Variables read when a library loads: OpenBLAS, MKL, generic OpenMP (scikit-learn's trees), TensorFlow.
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
)
CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")


def cgroup_cpu_limit(cpu_max: Path = CGROUP_CPU_MAX) -> int | None:
    """Whole cores allowed by a cgroup v2 CPU quota (``cpu.max`` = ``"<quota> <period>"``), rounded up; None if unlimited."""
    try:
        quota, period = cpu_max.read_text(encoding="ascii").split()[:2]
    except (OSError, ValueError):
        return None
    if quota == "max":
        return None
    return max(1, math.ceil(int(quota) / int(period)))


def available_cores(cpu_max: Path = CGROUP_CPU_MAX) -> int:
    """Cores this process may use: its CPU affinity, lowered by a cgroup quota if there is one."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    quota = cgroup_cpu_limit(cpu_max)
    return max(1, min(cores, quota) if quota else cores)


def thread_count(environ: Mapping[str, str] = os.environ, cpu_max: Path = CGROUP_CPU_MAX) -> int:
    """``REDNOTE_THREADS`` if set (a whole number ≥ 1), else :func:`available_cores`."""
    value = environ.get(ENV, "").strip()
    if not value:
        return available_cores(cpu_max)
    if not value.isdigit() or int(value) < 1:
        raise UserError(f"{ENV} must be a whole number ≥ 1, got {value!r}; set it so or unset it to use every core.")
    return int(value)


def limit_threads(threads: int) -> None:
    """Make every thread pool of this process use ``threads`` threads (see the module docstring)."""
    for name in THREAD_VARIABLES:
        os.environ[name] = str(threads)
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads)  # the pools NumPy/SciPy/scikit-learn already loaded
    if "tensorflow" in sys.modules:  # imported already: its pools may not be created yet
        import tensorflow as tf

        try:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(threads)
        except RuntimeError:  # TensorFlow has run ops already; its pools are fixed for this process
            pass
