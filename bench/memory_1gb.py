"""Benchmark: memory and start-up time of training on a 1 GB corpus (target: < 2 GB peak RSS, < 60 s to train).

Builds a corpus of --gb GiB (default 1.0) in a temporary folder by repeating ../shared/corpora/*.txt
(or reuses it with --keep DIR), then runs two fresh Python processes, one after the other:

1. build: `load_corpus` with an empty cache folder, i.e. the one-time scan + encode (progress bars on
   stderr). Reported: its wall time and peak RSS.
2. train: what a restart costs: `load_corpus` on the unchanged file (finds the cache by sha256), then
   `train()` of config.yaml's defaults on the CPU for --steps steps with out_path=None (no files
   written). Reported, in seconds since the parent launched the process (so Python start-up and
   imports count): `load_s` (corpus ready), `train_call_s` (train() entered), `first_step_s` (first
   optimizer step finished, from a global torch optimizer step hook), `done_s` (train() returned,
   final validation and bits/char estimate included); and its peak RSS.

Peak RSS is the child's ru_maxrss from os.wait4 (Linux: KiB), so it covers the whole process
including page-cache pages of the memory-mapped cache that the process touched. Prints one JSON line;
PASS needs both peaks under 2 GB (2e9 bytes) and first_step_s under 60.

    python bench/memory_1gb.py                      # 1 GiB, corpus and cache deleted afterwards
    python bench/memory_1gb.py --gb 0.1 --keep /tmp/corpus   # keep (and reuse) the corpus file
"""
import argparse, json, os, shutil, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RSS_LIMIT, START_LIMIT = 2e9, 60.0

def make_corpus(path:Path, gib:float):
    "Write `gib` GiB of text (less the part of a line) to `path` by repeating the shared corpora."
    want = int(gib * 2**30)
    if path.exists() and path.stat().st_size >= 0.99 * want: return      # made by an earlier --keep run
    srcs = sorted((ROOT.parent/'shared'/'corpora').glob('*.txt'))
    if not srcs: sys.exit(f"no corpora in {ROOT.parent/'shared'/'corpora'}")
    block = b''.join(p.read_bytes().rstrip(b'\n') + b'\n' for p in srcs)
    with open(path.with_suffix('.part'), 'wb') as f:
        n = 0
        while n < want:
            piece = block[:want - n]
            piece = piece[:piece.rfind(b'\n') + 1]            # whole lines only
            if not piece: break
            f.write(piece); n += len(piece)
    os.replace(path.with_suffix('.part'), path)

def child_build(corpus:str, cache:str):
    from diffusion_gpt_local.config import load_config
    from diffusion_gpt_local.data import load_corpus
    cfg = load_config(ROOT/'config.yaml', overrides=['device=cpu'])
    c = load_corpus('bench', Path(corpus), cfg.data, cfg.seed, Path(cache), verbose=True)
    return dict(docs=c.meta['docs'], chars=c.meta['n_chars'], vocab=c.tok.vocab_size, dtype=str(c.train.ids.dtype),
                train_tokens=c.meta['train_tokens'], val_tokens=c.meta['val_tokens'])

def child_train(corpus:str, cache:str, t0:float, steps:int):
    marks = {}
    import torch
    from torch.optim.optimizer import register_optimizer_step_post_hook
    from diffusion_gpt_local.config import load_config
    from diffusion_gpt_local.data import load_corpus
    from diffusion_gpt_local.trainer import train
    marks['import_s'] = time.time() - t0
    register_optimizer_step_post_hook(lambda opt, args, kw: marks.setdefault('first_step_s', time.time() - t0))
    cfg = load_config(ROOT/'config.yaml', overrides=['device=cpu', f'train.max_iters={steps}'])
    c = load_corpus('bench', Path(corpus), cfg.data, cfg.seed, Path(cache), verbose=True)
    marks['load_s'] = time.time() - t0
    marks['rss_after_load_mb'] = _vm('VmRSS') / 2**20
    marks['train_call_s'] = time.time() - t0
    res = train(cfg, c, None, progress=False)
    marks['done_s'] = time.time() - t0
    m = res.ckpt['metrics']
    marks.update(steps=m['steps'], train_loop_s=m['seconds'], val_bpc=round(m['val_bpc'], 3), threads=torch.get_num_threads())
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in marks.items()}

def _vm(key:str) -> int:
    "A /proc/self/status figure in bytes (0 where there is no /proc)."
    try: return next(int(l.split()[1]) * 1024 for l in open('/proc/self/status') if l.startswith(key + ':'))
    except (OSError, StopIteration): return 0

def run_child(*args) -> tuple[dict, float, int]:
    "Run this script as a child; its JSON result, wall seconds and peak RSS in bytes (from wait4)."
    t0 = time.time()
    p = subprocess.Popen([sys.executable, __file__, '--child', *map(str, args), '--t0', repr(t0)], stdout=subprocess.PIPE, text=True)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode: sys.exit(f"child {args[0]} failed (exit {p.returncode}):\n{out}")
    rss = ru.ru_maxrss * (1 if sys.platform == 'darwin' else 1024)
    return json.loads(out.strip().splitlines()[-1]), time.time() - t0, rss

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--gb', type=float, default=1.0, help='corpus size in GiB')
    ap.add_argument('--keep', metavar='DIR', help='keep the corpus in DIR and reuse it next time')
    ap.add_argument('--steps', type=int, default=20, help='training steps in the restart run')
    ap.add_argument('--child', nargs='+', help=argparse.SUPPRESS)
    ap.add_argument('--t0', type=float, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        kind, *rest = a.child
        res = child_build(*rest) if kind == 'build' else child_train(*rest[:2], a.t0, int(rest[2]))
        print(json.dumps(res)); return

    work = Path(tempfile.mkdtemp(prefix='memory_1gb-'))
    corpus_dir = Path(a.keep) if a.keep else work
    corpus_dir.mkdir(parents=True, exist_ok=True)
    corpus = corpus_dir/f'corpus_{a.gb:g}gib.txt'
    try:
        t = time.time(); make_corpus(corpus, a.gb); t_make = time.time() - t
        print(f"corpus {corpus}: {corpus.stat().st_size / 2**30:.3f} GiB ({t_make:.1f} s to write)", file=sys.stderr, flush=True)
        build, build_s, build_rss = run_child('build', corpus, work/'cache')
        tr, train_s, train_rss = run_child('train', corpus, work/'cache', a.steps)
        ok = max(build_rss, train_rss) < RSS_LIMIT and tr['first_step_s'] < START_LIMIT
        print(json.dumps(dict(
            corpus_bytes=corpus.stat().st_size, docs=build['docs'], vocab=build['vocab'], ids_dtype=build['dtype'],
            build_s=round(build_s, 1), build_peak_rss_mb=round(build_rss / 2**20), build_mb_per_s=round(corpus.stat().st_size / 2**20 / build_s, 1),
            restart_import_s=tr['import_s'], restart_load_s=tr['load_s'], restart_rss_after_load_mb=tr['rss_after_load_mb'],
            train_call_s=tr['train_call_s'], first_step_s=tr['first_step_s'], train_steps=tr['steps'], train_loop_s=tr['train_loop_s'],
            train_done_s=tr['done_s'], train_peak_rss_mb=round(train_rss / 2**20), threads=tr['threads'],
            limits=dict(peak_rss_bytes=RSS_LIMIT, first_step_s=START_LIMIT), result='PASS' if ok else 'FAIL')))
    finally:
        shutil.rmtree(work, ignore_errors=True)

if __name__ == '__main__': main()
