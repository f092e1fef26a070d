"pytest options for running the notebooks as tests, and a fixed number of threads."
import os
import torch

# Pinned threads: `share_cpu` (runtime chapter) then never changes them, so the bit-for-bit tests (same seed, resumed
# runs) cannot be disturbed by whatever else runs on the machine. Subprocesses inherit it. Same count as torch's default.
os.environ.setdefault('OMP_NUM_THREADS', str(torch.get_num_threads()))

def pytest_addoption(parser):
    parser.addoption('--flags', default='', help="space-separated nbdev test flags to run, e.g. --flags slow")
