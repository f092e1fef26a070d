"""Benchmark (reliability): how often a finished two-process gloo run dies at exit, with Python's
normal shutdown and with `diffusion_gpt_local.cli.end_process`.

Each run starts `torchrun --standalone --nproc_per_node=2` on a small worker: join the gloo group,
three DDP steps of a linear layer, an all-reduce, rank 1 a little later than rank 0 (as when rank 0
has less left to do), `destroy_process_group`, then leave. With a normal exit a gloo worker thread
may still be releasing the last collective's tensors while the interpreter shuts down; CPython ends
that thread with pthread_exit and the process aborts ("terminate called without an active
exception", SIGABRT), so torchrun reports a finished run as failed. `end_process` runs the atexit
handlers, flushes, and calls os._exit instead. The two ways alternate run by run.

    python bench/torchrun_exit.py               # 30 runs each way (about 3 minutes on 2 cores)
    python bench/torchrun_exit.py --runs 60
"""
import argparse, os, subprocess, sys, tempfile, time
from pathlib import Path

WORKER = r"""
import os, sys, time, torch, torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel as DDP
from diffusion_gpt_local.cli import end_process
dist.init_process_group('gloo')
rank = dist.get_rank()
torch.manual_seed(rank)
m = DDP(torch.nn.Linear(8, 8))
for _ in range(3): m(torch.randn(4, 8)).sum().backward()
dist.all_reduce(torch.ones(1))
del m
if rank == 1: time.sleep(0.3)
dist.destroy_process_group()
if sys.argv[1] == 'end_process': end_process(0)
"""

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--runs', type=int, default=30, help='runs of each way (default 30)')
    a = ap.parse_args()
    if a.runs < 1: ap.error('--runs must be >= 1')
    folder = Path(tempfile.mkdtemp())
    (folder/'worker.py').write_text(WORKER)
    env = {**os.environ, 'OMP_NUM_THREADS': '1'}
    ways = ['normal exit', 'end_process']
    aborted, other, secs = dict.fromkeys(ways, 0), dict.fromkeys(ways, 0), dict.fromkeys(ways, 0.0)
    for i in range(a.runs):
        for way in ways:
            t0 = time.time()
            r = subprocess.run([sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node=2', 'worker.py',
                                way.replace(' ', '_')], cwd=folder, env=env, capture_output=True, text=True, timeout=300)
            secs[way] += time.time() - t0
            if r.returncode and 'terminate called without an active exception' in r.stderr: aborted[way] += 1
            elif r.returncode:
                other[way] += 1; print(f"{way}: run {i + 1} failed otherwise:\n{r.stderr[-2000:]}", file=sys.stderr)
        print(f"\r{i + 1}/{a.runs} runs each: " + ', '.join(f"{w} {aborted[w]} aborted" for w in ways), end='', flush=True)
    print()
    print(f"{'exit':<12}  {'runs':>4}  {'aborted at exit':>15}  {'other failures':>14}  {'s/run':>5}")
    for w in ways:
        print(f"{w:<12}  {a.runs:>4}  {aborted[w]:>15}  {other[w]:>14}  {secs[w] / a.runs:>5.1f}")

if __name__ == '__main__': main()
