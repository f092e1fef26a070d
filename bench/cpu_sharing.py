"""Benchmark: training speed alone and beside another PyTorch job on the same cores, per OpenMP wait policy.

PyTorch's CPU kernels run on an OpenMP team (GNU libgomp in the pip wheels). At the end of every parallel
region a thread that finishes first waits for the others; libgomp's default lets it *spin* for a while
before it sleeps. Alone that saves a wake-up per region. Beside another job on the same cores it is a
disaster: a thread spins on a core the other job's thread needs, the thread it waits for is not running,
and each of the hundreds of regions of a step can cost a whole scheduler time slice. `OMP_WAIT_POLICY=PASSIVE`
makes a waiting thread sleep at once.

Each measurement is a fresh `python` process (the policy is read when libgomp loads) that trains the default
model of config.yaml on a bundled corpus for --seconds after a --warmup, and prints its steps per second.
"beside" runs a second such process (the competitor, same or default policy) started first and stopped
after the measured one. Scenarios are interleaved in --rounds rounds; medians and ranges are printed.

    python bench/cpu_sharing.py                       # default and PASSIVE, alone and beside, 3 rounds
    python bench/cpu_sharing.py --rounds 5 --seconds 30
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WORKER = r'''
import os, sys, time, json
sys.path.insert(0, {root!r})
import torch
from pathlib import Path
from diffusion_gpt_local.config import load_config, dataset_file
from diffusion_gpt_local.data import load_corpus
from diffusion_gpt_local.trainer import start_run, optimizer_step
from diffusion_gpt_local.runtime import share_cpu
os.chdir({root!r})
cfg = load_config('config.yaml', {dataset!r}, overrides=['train.max_iters=100000'])
corpus = load_corpus({dataset!r}, dataset_file(cfg, {dataset!r}), cfg.data, cfg.seed, Path({cache!r}))
run = start_run(cfg, corpus, None, resume=False)
warm, seconds, step, t0, n0 = {warmup}, {seconds}, 0, time.time(), None
while True:
    if {share}: share_cpu()
    optimizer_step(run, step); step += 1
    t = time.time() - t0
    if n0 is None and t >= warm: n0, t1 = step, time.time()
    if n0 is not None and time.time() - t1 >= seconds: break
print(json.dumps(dict(steps_s=(step - n0) / (time.time() - t1), threads=torch.get_num_threads())), flush=True)
'''

POLICIES = {'default': {}, 'fixed': {}, 'passive': {'OMP_WAIT_POLICY': 'PASSIVE'}, 'spin1k': {'GOMP_SPINCOUNT': '1000'},
            'spin10k': {'GOMP_SPINCOUNT': '10000'}, 'spin100k': {'GOMP_SPINCOUNT': '100000'},
            'one': {'OMP_NUM_THREADS': '1'}, 'shared': {}}

def env_for(policy:str) -> dict:
    "The environment of a worker with `policy` (the bench's own OMP_* settings removed first)."
    env = {k: v for k, v in os.environ.items() if k not in ('OMP_WAIT_POLICY', 'GOMP_SPINCOUNT', 'OMP_NUM_THREADS')}
    return {**env, **POLICIES[policy]}

def worker(policy:str, a, cache:str, seconds:float) -> subprocess.Popen:
    code = WORKER.format(root=str(ROOT), dataset=a.dataset, cache=cache, warmup=a.warmup, seconds=seconds,
                       share=policy == 'shared')
    return subprocess.Popen([sys.executable, '-c', code], env=env_for(policy), stdout=subprocess.PIPE, text=True)

def measure(policy:str, beside:str|None, a, cache:str) -> float:
    "Steps per second of one worker with `policy`, alone or beside a competitor with policy `beside`."
    other = worker(beside, a, cache, 10 * a.seconds + 60) if beside else None
    if other: time.sleep(a.warmup)                                 # the competitor is busy before we start
    try:
        out, _ = worker(policy, a, cache, a.seconds).communicate(timeout=60 * a.seconds + 600)
    finally:
        if other: other.kill(); other.wait()
    return json.loads(out.strip().splitlines()[-1])['steps_s']

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--dataset', default='kjv_verses', help='a bundled dataset of config.yaml')
    p.add_argument('--rounds', type=int, default=3)
    p.add_argument('--seconds', type=float, default=20, help='measured seconds per worker')
    p.add_argument('--warmup', type=float, default=8, help='seconds before measuring (model build, first steps)')
    p.add_argument('--scenarios', nargs='+',
                   default=['fixed/-', 'shared/-', 'fixed/fixed', 'shared/shared', 'shared/fixed'],
                   help='POLICY/COMPETITOR (- = alone)')
    a = p.parse_args()
    results = {s: [] for s in a.scenarios}
    with tempfile.TemporaryDirectory() as cache:
        for r in range(a.rounds):
            for s in a.scenarios:
                policy, beside = s.split('/')
                results[s].append(measure(policy, None if beside == '-' else beside, a, cache))
                print(f'round {r + 1} {s:18} {results[s][-1]:6.2f} steps/s', flush=True)
    print(f'\n{a.dataset}, {a.rounds} rounds of {a.seconds:.0f} s, {os.cpu_count()} cores, torch threads by default')
    print(f"{'scenario (ours/other job)':28} {'median steps/s':>15} {'range':>15}")
    for s, v in results.items():
        print(f'{s:28} {statistics.median(v):15.2f} {min(v):7.2f}-{max(v):.2f}')

if __name__ == '__main__': main()
