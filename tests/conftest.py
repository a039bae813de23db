import os

import pytest

# Small tensors: one thread is faster, and it keeps results independent of the core count.
os.environ.setdefault("OMP_NUM_THREADS", "1")


@pytest.fixture(autouse=True, scope="session")
def _one_torch_thread():
    import torch

    torch.set_num_threads(1)
