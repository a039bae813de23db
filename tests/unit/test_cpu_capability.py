"""`nalm` pins torch's CPU kernels to AVX2 on x86-64 (`nalm/__init__.py`): the committed validation
records were made with them, and an AVX-512 machine's kernels round differently (the division
paper's NRU record differs in the 7th digit there). A capability the user names is kept."""

import os
import platform
import subprocess
import sys

import pytest

import nalm

X86 = platform.machine().lower() in ("x86_64", "amd64")


def capability_in_a_fresh_process(environment: dict) -> str:
    code = "import torch, nalm; torch.ones(3).exp(); print(nalm.cpu_capability())"
    done = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def without_capability() -> dict:
    return {k: v for k, v in os.environ.items() if k != "ATEN_CPU_CAPABILITY"}


def test_the_pinned_kernel_set_is_avx2():
    assert nalm.CPU_CAPABILITY == "avx2"


@pytest.mark.skipif(not X86, reason="the AVX2 pin applies to x86-64 CPUs only")
def test_a_fresh_process_that_imports_nalm_runs_the_avx2_kernels():
    # torch imported first: the pin still holds, torch reads it at the first operation
    assert capability_in_a_fresh_process(without_capability()) == "AVX2"


def test_a_capability_named_by_the_user_is_kept():
    assert capability_in_a_fresh_process(dict(without_capability(), ATEN_CPU_CAPABILITY="default")) == "DEFAULT"
