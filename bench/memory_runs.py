"""Benchmark: peak resident memory of full-length training and generation, one model after another in one process.

Copies --corpora (bundled datasets/ names or files of ../shared/corpora/, cut to --mb MB) into a throwaway
project with the config.yaml of the code that runs (its entries for those corpora only), then runs `diffgpt_train --all` and `diffgpt_generate --all` in
this process, as a user's overnight run does (the console scripts' entry points, called in-process). Before each model the process's peak RSS is reset (`/proc/self/clear_refs`, Linux) and
after it the peak (VmHWM) and the current RSS are read. Prints one line per model and phase and a JSON
summary.

    python bench/memory_runs.py                                   # 4 corpora, the config's full step count
    python bench/memory_runs.py --steps 300 --corpora nova_commits kjv_verses
    python bench/memory_runs.py --package /path/to/other/checkout # the same run on another version of the code
"""
import argparse, json, os, shutil, sys, tempfile, time
import yaml
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / 'shared' / 'corpora'

def mem_mb() -> dict:
    "This process's resident memory now and its peak since the last reset, in MB."
    s = open('/proc/self/status').read()
    kb = lambda k: int(s.split(k + ':')[1].split()[0])
    return dict(rss=kb('VmRSS') // 1024, peak=kb('VmHWM') // 1024)

def reset_peak(): Path('/proc/self/clear_refs').write_text('5')

def corpus_source(name:str) -> Path:
    for p in (ROOT / 'datasets' / f'{name}.txt', SHARED / f'{name}.txt', Path(name)):
        if p.is_file(): return p
    sys.exit(f'memory_runs: no corpus {name!r} in datasets/, {SHARED} or as a path')

def make_project(work:Path, corpora:list[str], mb:float, config:Path) -> list[str]:
    "datasets/NAME.txt (whole lines, at most `mb` MB) and `config` (its entries for these corpora only) in `work`."
    (work / 'datasets').mkdir(parents=True)
    names = []
    for c in corpora:
        src = corpus_source(c); data = src.read_bytes()[:int(mb * 1e6)]
        name = src.stem; names.append(name)
        (work / 'datasets' / f'{name}.txt').write_bytes(data[:data.rfind(b'\n') + 1])
    cfg = yaml.safe_load(config.read_text())
    cfg['datasets'] = {n: e for n, e in (cfg.get('datasets') or {}).items() if n in names}
    (work / 'config.yaml').write_text(yaml.safe_dump(cfg, sort_keys=False))
    return names

def watched(module, fn_name:str, phase:str, rows:list):
    "Wrap `module.fn_name` (one model's work) to record its peak and final RSS."
    inner = getattr(module, fn_name)
    def wrapper(*args, **kw):
        reset_peak(); t0 = time.time()
        try: return inner(*args, **kw)
        finally:
            name = Path(str(args[0])).stem
            rows.append(dict(phase=phase, model=name, seconds=round(time.time() - t0, 1), **mem_mb()))
            r = rows[-1]
            print(f"{phase:9} {name:24} {r['seconds']:7.1f} s  peak {r['peak']:5} MB  after {r['rss']:5} MB", flush=True)
    setattr(module, fn_name, wrapper)

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--corpora', nargs='+', default=['nova_commits', 'kjv_verses', 'austen_paragraphs', 'moby_dick'])
    p.add_argument('--mb', type=float, default=1.0, help='cut each corpus to this many MB')
    p.add_argument('--steps', type=int, default=0, help='train.max_iters (0: the config\'s)')
    p.add_argument('--samples', type=int, default=100)
    p.add_argument('--package', default=str(ROOT), help='the checkout whose diffusion_gpt_local runs')
    a = p.parse_args()
    sys.path.insert(0, a.package)
    work = Path(tempfile.mkdtemp(prefix='memory_runs-'))
    try:
        names = make_project(work, a.corpora, a.mb, Path(a.package) / 'config.yaml')   # that version's config
        os.chdir(work)
        import diffusion_gpt_local.cli as cli
        rows = []
        watched(cli, 'train_one', 'train', rows); watched(cli, 'generate_one', 'generate', rows)
        start = mem_mb()
        steps = ['--set', f'train.max_iters={a.steps}'] if a.steps else []
        assert cli.train_main(['--all', '--quiet', *steps]) == 0
        assert cli.generate_main(['--all', '--quiet', '--samples', str(a.samples)]) == 0
        print(json.dumps(dict(package=a.package, corpora=names, steps=a.steps or 'config', start=start, rows=rows,
                              threads=os.environ.get('OMP_NUM_THREADS'),
                              onednn_cache=os.environ.get('ONEDNN_PRIMITIVE_CACHE_CAPACITY'))))
    finally:
        os.chdir(ROOT); shutil.rmtree(work, ignore_errors=True)

if __name__ == '__main__': main()
