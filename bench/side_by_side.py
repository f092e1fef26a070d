"""Several datasets side by side (`diffgpt_train --jobs N`) against one after the other (`--jobs 1`) on this CPU.

Trains the same datasets (the bundled corpora, default model, `--max-iters` steps each) both ways, in interleaved
rounds, each round in a fresh models folder, and prints the wall time of each way per round, the medians and the
ratio. Run it on a quiet machine (the load average is printed before and after each run): side by side takes more
than its share of a busy machine, so a busy machine flatters it.

    python bench/side_by_side.py                                   # 2 rounds, the 3 bundled corpora, 300 steps each
    python bench/side_by_side.py --rounds 3 --max-iters 200 --corpora nova_commits kjv_verses
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def one_run(work:Path, corpora:list, jobs:int, max_iters:int) -> float:
    "Wall seconds of one `diffgpt_train --dataset ... --jobs N` in a fresh models folder under `work`."
    models = work/f'models_{jobs}'
    shutil.rmtree(models, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k != 'OMP_NUM_THREADS'}     # the default threads
    t0 = time.time()
    r = subprocess.run(['diffgpt_train', '--dataset', *corpora, '--jobs', str(jobs), '-q', '--max-iters',
                        str(max_iters), '--set', f'paths.models={models}'], cwd=work, env=env,
                       capture_output=True, text=True)
    if r.returncode: sys.exit(f"jobs {jobs} failed:\n{r.stderr[-2000:]}")
    return time.time() - t0

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--corpora', nargs='+', default=['nova_commits', 'kjv_verses', 'austen_paragraphs'])
    ap.add_argument('--max-iters', type=int, default=300)
    ap.add_argument('--jobs', type=int, default=2, help='side by side: this many at once (default 2)')
    ap.add_argument('--rounds', type=int, default=2)
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix='side_by_side_'))
    shutil.copytree(ROOT/'datasets', work/'datasets'); shutil.copy(ROOT/'config.yaml', work)
    os.environ['PYTHONPATH'] = str(ROOT) + os.pathsep + os.environ.get('PYTHONPATH', '')
    print(f"{len(a.corpora)} corpora x {a.max_iters} steps; {os.cpu_count()} cores; working in {work}", flush=True)
    times = {1: [], a.jobs: []}
    for r in range(a.rounds):
        for jobs in ((1, a.jobs) if r % 2 == 0 else (a.jobs, 1)):          # interleaved, the order alternating
            load = os.getloadavg()[0]
            times[jobs].append(one_run(work, a.corpora, jobs, a.max_iters))
            print(f"round {r + 1}: --jobs {jobs}: {times[jobs][-1]:.1f} s (load before {load:.2f}, "
                  f"after {os.getloadavg()[0]:.2f})", flush=True)
    m1, mj = statistics.median(times[1]), statistics.median(times[a.jobs])
    print(f"one after the other: median {m1:.1f} s ({min(times[1]):.1f}-{max(times[1]):.1f}); side by side "
          f"(--jobs {a.jobs}): median {mj:.1f} s ({min(times[a.jobs]):.1f}-{max(times[a.jobs]):.1f}); {m1 / mj:.2f}x")
    shutil.rmtree(work, ignore_errors=True)
