"""Thread counts follow the machine (rednote.core.threads), and no output depends on them."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from rednote.core.errors import UserError
from rednote.core.threads import ENV, available_cores, cgroup_cpu_limit, thread_count
from rednote.embed.encoders import UseEncoder


@pytest.fixture
def five_cores(monkeypatch):
    """This process may run on 5 of the machine's cores (numbers 0-3 and 6), whatever the machine has."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3, 6})


def test_threads_are_the_cores_this_process_may_use(tmp_path, five_cores):
    assert thread_count({}, tmp_path / "no-cgroup") == 5


def test_a_container_quota_lowers_the_count(tmp_path, five_cores):
    cpu_max = tmp_path / "cpu.max"
    cpu_max.write_text("150000 100000\n")  # 1.5 cores: 2 threads
    assert cgroup_cpu_limit(cpu_max) == 2
    assert available_cores(cpu_max) == 2
    cpu_max.write_text("800000 100000\n")  # a quota above the affinity: the affinity decides
    assert available_cores(cpu_max) == 5
    cpu_max.write_text("max 100000\n")
    assert cgroup_cpu_limit(cpu_max) is None and available_cores(cpu_max) == 5


def test_the_variable_overrides_and_a_bad_value_is_one_sentence(tmp_path):
    assert thread_count({ENV: "3"}, tmp_path / "none") == 3
    with pytest.raises(UserError, match=r"^REDNOTE_THREADS must be a whole number ≥ 1, got '0'; "):
        thread_count({ENV: "0"})


def test_a_stage_limits_every_blas_pool_and_tensorflow_variables():
    """What rednote.core.stage.run applies before a stage's main, seen from inside the stage (a fresh interpreter)."""
    code = (
        "import json, os, numpy\n"
        "from threadpoolctl import threadpool_info\n"
        "from rednote.core.stage import run\n"
        "def main():\n"
        "    print(json.dumps({'pools': sorted({p['num_threads'] for p in threadpool_info()}),"
        " 'tf': os.environ['TF_NUM_INTRAOP_THREADS']}))\n"
        "run(main)\n"
    )
    env = {**os.environ, ENV: "1"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    seen = json.loads(done.stdout)
    assert seen == {"pools": [1], "tf": "1"}
    assert "1 threads (from REDNOTE_THREADS)" in done.stderr


#: USE vectors have unit length; across the kernels Haswell, SkylakeX, Prescott, Sandybridge and Zen with 1 and 2
#: threads their components differed by at most 2.9e-7 (OpenBLAS sums in another order), so 2e-6 is noise and
#: anything a thread bug would do (a text's vector swapped, zeroed or cut short) is far beyond it.
USE_COMPONENT_NOISE = 2e-6


def test_use_vectors_agree_across_thread_counts_up_to_blas_rounding():
    texts = ["我在学习中文", "I am learning Chinese", "hello 小红书 #tiktokrefugee", "a" * 300] * 20
    one = UseEncoder(threads=1, progress=False).transform(texts)
    two = UseEncoder(threads=2, progress=False).transform(texts)
    assert one.shape == two.shape == (80, 512)
    np.testing.assert_allclose(one, two, rtol=0, atol=USE_COMPONENT_NOISE)
    # the texts are different, so the tolerance cannot hide a mix-up between them
    assert np.abs(one[0] - one[1]).max() > 100 * USE_COMPONENT_NOISE
