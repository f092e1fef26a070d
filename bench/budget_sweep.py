"""Benchmark: held-out bits/char against CPU minutes, for model sizes x budgets, diffusion and the AR baseline.

For each corpus, model kind and size, and each budget in CPU minutes, this measures the CPU seconds per training step
of that model on this machine (two short probe runs, not counted), plans the steps that fit the budget (so the
learning-rate schedule fits the run), trains, and scores the held-out text: the stream figure (every held-out
character; the ELBO bound for diffusion, exact for the AR baseline). Minutes are *process CPU time*
(`time.process_time`) of the training steps and their validations: run it with ONE thread (`OMP_NUM_THREADS=1`, set
below too) so that CPU time is the work done, whatever else the machine runs. The pair head's fitting and the final
evaluation are timed apart (`after_s`).

Kinds: `block` (block diffusion, the default config), `whole` (the whole window, `--preset whole`'s diffusion.block=0),
`ar` (the same-size autoregressive baseline of 17_baseline, given the regularisation that helps it: AdamW with weight
decay (`--ar-wd`), dropout (`--ar-dropout`), and early stopping on held-out loss: validated every tenth of the run on
fixed held-out windows, the best weights kept and scored; the selection uses held-out text, which favours the baseline).

    OMP_NUM_THREADS=1 python bench/budget_sweep.py --minutes 2 5 --sizes 4x128 6x192 --kinds block whole ar
    python bench/budget_sweep.py --plot-only          # table and plot again from the JSON lines written so far

Each run appends one JSON line to `--out` as it finishes (a sweep can be stopped and continued; runs already there are
skipped); the table and the plot (`--plot`) are drawn from that file.

`--curve N` also scores the model at every N-th of its run (the stream figure on `--curve-windows` held-out windows,
2 draws of t for diffusion; the CPU time of those scorings is not counted): the curve of ONE run planned for its whole
budget, so a point at a tenth of the run is the model under a learning rate not yet decayed -- a run planned for that
shorter budget would do at least as well. It shows the shape and where two kinds' curves cross, not each budget's best.
"""
import os
os.environ.setdefault('OMP_NUM_THREADS', '1')
import argparse, copy, json, time
from pathlib import Path
import torch
from diffusion_gpt_local.config import load_config
from diffusion_gpt_local.data import load_corpus
from diffusion_gpt_local.trainer import train
from diffusion_gpt_local.evaluate import heldout_bpc
from diffusion_gpt_local import baseline, trainer
from diffusion_gpt_local.baseline import train_ar, ar_heldout_bpc

ROOT = Path(__file__).resolve().parent.parent
KINDS = {'block': [], 'whole': ['diffusion.block=0'], 'ar': []}

def size_overrides(size:str) -> list:
    "`'6x192'` -> n_layer 6, n_embd 192, heads of 32 dimensions."
    layers, width = map(int, size.split('x'))
    return [f'model.n_layer={layers}', f'model.n_embd={width}', f'model.n_head={max(1, width // 32)}']

def cpu_run(kind:str, cfg, corpus, callback=None):
    "Train one model of `kind` with `cfg`; (metrics, CPU seconds of the steps, CPU seconds after them, result)."
    marks = {}
    def cb(step, rec):
        marks['last'] = time.process_time()
        if callback: callback(step, rec)
    t0 = time.process_time()
    res = train_ar(cfg, corpus, False, cb) if kind == 'ar' else train(cfg, corpus, None, False, callback=cb)
    m = res.metrics if kind == 'ar' else res.ckpt['metrics']
    return m, marks['last'] - t0, time.process_time() - marks['last'], res

def step_seconds(kind:str, a, base:list) -> float:
    "CPU seconds per training step: runs of 10 and 40 steps (no evaluation to speak of), the difference over 30."
    quick = ['train.eval_windows=1', 'train.eval_iters=1', 'train.pair_iters=0', 'train.eval_interval=1000']
    cpu = [cpu_run(kind, load_config(a.config, overrides=[*base, *quick, f'train.max_iters={n}']), a.corpus_obj)[1]
           for n in (10, 40)]
    return (cpu[1] - cpu[0]) / 30

def catch_model(kind:str):
    "Catch the model the trainer of `kind` builds: (list of (model, graph, noise), undo)."
    caught = []
    if kind == 'ar':
        real, mod, name = baseline.make_optimizer, baseline, 'make_optimizer'
        def spy(model, *args, **kw):   # train_ar builds its model inside: caught where its optimizer is made
            caught.append((model, None, None)); return real(model, *args, **kw)
    else:
        real, mod, name = trainer.start_run, trainer, 'start_run'
        def spy(*args, **kw): run = real(*args, **kw); caught.append((run.model, run.graph, run.noise)); return run
    setattr(mod, name, spy)
    return caught, lambda: setattr(mod, name, real)

def ar_early_stopping(cfg, corpus, every:int):
    "A callback validating the baseline every `every` steps on fixed held-out windows, keeping its best weights."
    caught, undo = catch_model('ar')
    best = dict(loss=float('inf'), state=None, step=0)
    g = torch.Generator().manual_seed(cfg.seed + 1)
    val = [corpus.heldout.batch(cfg.train.batch_size, cfg.model.block_size, g, cfg.data.windows,
                                cfg.data.doc_start_share) for _ in range(8)]
    def cb(step, rec):
        if step % every and step != cfg.train.max_iters: return
        model = caught[-1][0]; model.eval()
        with torch.no_grad(): loss = sum(model.nll(x).mean().item() for x in val) / len(val)
        model.train()
        if loss < best['loss']: best.update(loss=loss, state=copy.deepcopy(model.state_dict()), step=step)
    return cb, best, undo

def curve_callback(kind:str, cfg, corpus, every:int, windows:int):
    "A callback scoring the model every `every` steps: (callback, points [step, CPU s so far, bpc], CPU s it took, undo)."
    caught, undo = catch_model(kind)
    points, spent = [], [0.0]
    wcfg = copy.deepcopy(cfg); wcfg.train.eval_windows = windows
    def cb(step, rec):
        if step % every and step != cfg.train.max_iters: return
        t0 = time.process_time()
        model, graph, noise = caught[-1]
        was = model.training; model.eval()
        with torch.no_grad():
            ev = ar_heldout_bpc(model, corpus.heldout, wcfg)[0] if kind == 'ar' else \
                 heldout_bpc(model, graph, noise, corpus.heldout, cfg, max_windows=windows, t_samples=2)[0]
        model.train(was)
        points.append([step, t0 - spent[0], round(ev['bpc'], 4)])   # CPU clock less the scorings before
        spent[0] += time.process_time() - t0
    return cb, points, spent, undo

def one_run(kind:str, size:str, minutes:float, a) -> dict:
    "Probe, plan, train and score one model; its row."
    over = [*KINDS[kind], *size_overrides(size)]
    if kind == 'ar': over += ['train.optimizer=adamw', f'train.weight_decay={a.ar_wd}', f'model.dropout={a.ar_dropout}']
    base = ['device=cpu', *a.overrides, *over]
    sec = step_seconds(kind, a, base)
    steps = max(20, int(minutes * 60 / sec))
    cfg = load_config(a.config, overrides=[*base, f'train.max_iters={steps}',
                                           f'train.eval_interval={max(1, steps // 4)}', 'train.eval_iters=4'])
    cbs, undos, curve = [], [], None
    if kind == 'ar':
        cb, best, undo = ar_early_stopping(cfg, a.corpus_obj, max(1, steps // 10)); cbs.append(cb); undos.append(undo)
    if a.curve:
        cb, curve, spent, undo = curve_callback(kind, cfg, a.corpus_obj, max(1, steps // a.curve), a.curve_windows)
        cbs.append(cb); undos.append(undo)
    t_start = time.process_time()
    try: m, cpu_steps, cpu_after, res = cpu_run(kind, cfg, a.corpus_obj, lambda s, r: [f(s, r) for f in cbs])
    finally:
        for undo in reversed(undos): undo()        # the last patch first: each restores what it found
    if curve:              # CPU minutes of training at each point; the steps' total without the scorings before the last
        for pt in curve: pt[1] = round((pt[1] - t_start) / 60, 3)
        cpu_steps = curve[-1][1] * 60 if curve[-1][0] == m['steps'] else cpu_steps
    row = dict(corpus=a.corpus_obj.name, kind=kind, size=size, params=m['params'], budget_min=minutes,
               step_cpu_s=round(sec, 4), steps=m['steps'], cpu_min=round(cpu_steps / 60, 3),
               after_s=round(cpu_after, 1), bpc=round(m['val_bpc'], 4), se=round(m['val_bpc_se'], 4),
               **(dict(curve=curve, curve_windows=a.curve_windows) if curve else {}))
    if kind == 'ar':
        row['dropout'] = a.ar_dropout
        res.model.load_state_dict(best['state'])
        ev, _ = ar_heldout_bpc(res.model.eval(), a.corpus_obj.heldout, cfg)
        row.update(last_bpc=row['bpc'], bpc=round(ev['bpc'], 4), se=round(ev['se'], 4), best_step=best['step'])
    return row

def run_key(r:dict) -> tuple:
    "What tells runs apart: corpus, kind, size, budget, and the baseline's dropout."
    return r['corpus'], r['kind'], r['size'], r['budget_min'], r.get('dropout', 0.0) if r['kind'] == 'ar' else None

def line_key(r:dict) -> tuple:
    "One line of the plot: kind, size and the baseline's dropout (a run's key without corpus and budget)."
    _, kind, size, _, drop = run_key(r)
    return kind, size, drop

def plot(rows:list, path:Path):
    "Bits/char against CPU minutes: one panel per corpus, one line per kind and size."
    import matplotlib; matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    corpora = sorted({r['corpus'] for r in rows})
    fig, axes = plt.subplots(1, len(corpora), figsize=(6.5 * len(corpora), 4.2), squeeze=False)
    for ax, c in zip(axes[0], corpora):
        here = [r for r in rows if r['corpus'] == c]
        for kind, size, drop in sorted({line_key(r) for r in here}, key=str):
            mine = [r for r in here if line_key(r) == (kind, size, drop)]
            pts = sorted((r['cpu_min'], r['bpc'], r['se']) for r in mine)
            x, y, e = zip(*pts)
            style = dict(block='o-', whole='s--', ar='^:')[kind]
            label = f"{kind} {size} ({mine[0]['params'] / 1e6:.2f} M){f', dropout {drop:g}' if drop else ''}"
            line = ax.errorbar(x, y, yerr=e, fmt=style, ms=4, capsize=2, label=label)
            for r in mine:          # the run's own curve (scored along one run planned for its budget)
                if r.get('curve'):
                    cx, cy = zip(*[(m, b) for _, m, b in r['curve']])
                    ax.plot(cx, cy, style[1:], lw=.8, alpha=.5, color=line[0].get_color())
        ax.set_xlabel('CPU minutes of training (one thread)'); ax.set_ylabel('held-out bits/char (stream)')
        ax.set_xlim(left=0); ax.set_title(c, fontsize=10); ax.grid(alpha=.3)
        ax.set_yscale('log'); ax.legend(fontsize=7)
    fig.tight_layout(); path.parent.mkdir(parents=True, exist_ok=True); fig.savefig(path, dpi=110)

def table(rows:list):
    print(f"{'corpus':16s} {'kind':6s} {'size':7s} {'params':>8s} {'budget':>6s} {'steps':>6s} {'s/step':>7s} "
          f"{'CPU min':>7s} {'after s':>7s} {'bits/char':>16s}")
    for r in sorted(rows, key=lambda r: (*run_key(r)[:3], run_key(r)[4] or 0, r['budget_min'])):
        extra = (f"  (dropout {r.get('dropout', 0.0):g}, best step {r['best_step']}, last {r['last_bpc']:.4f})"
                 if r['kind'] == 'ar' else '')
        print(f"{r['corpus']:16s} {r['kind']:6s} {r['size']:7s} {r['params']:8,d} {r['budget_min']:6g} "
              f"{r['steps']:6,d} {r['step_cpu_s']:7.3f} {r['cpu_min']:7.2f} {r['after_s']:7.1f} "
              f"{r['bpc']:8.4f} ± {r['se']:.4f}{extra}")

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--corpus', nargs='+', default=[str(ROOT.parent/'shared'/'corpora'/'tinyshakespeare.txt')])
    p.add_argument('--config', default=str(ROOT/'config.yaml'))
    p.add_argument('--minutes', nargs='+', type=float, default=[2, 5, 10], help='budgets, CPU minutes of training')
    p.add_argument('--sizes', nargs='+', default=['4x128', '6x192'], help='LAYERSxWIDTH, heads of 32')
    p.add_argument('--kinds', nargs='+', default=list(KINDS), choices=list(KINDS))
    p.add_argument('--ar-wd', type=float, default=0.1, help='the baseline\'s weight decay')
    p.add_argument('--ar-dropout', type=float, default=0.0, help='the baseline\'s dropout')
    p.add_argument('--curve', type=int, default=0, help='score each run at every N-th of it too (0: only at the end)')
    p.add_argument('--curve-windows', type=int, default=64, help='held-out windows of each curve point')
    p.add_argument('--only', nargs='*', default=[], help='KIND:SIZE pairs to run (default: every kind x size)')
    p.add_argument('--set', dest='overrides', action='append', default=[], metavar='KEY=VALUE')
    p.add_argument('--out', default=str(ROOT/'bench'/'results'/'budget_sweep.jsonl'))
    p.add_argument('--plot', default=str(ROOT/'nbs'/'images'/'budget_sweep.png'))
    p.add_argument('--plot-only', action='store_true')
    a = p.parse_args()
    torch.set_num_threads(int(os.environ['OMP_NUM_THREADS']))
    out = Path(a.out)
    rows = [json.loads(l) for l in out.read_text().splitlines()] if out.exists() else []
    if not a.plot_only:
        cfg0 = load_config(a.config, overrides=['device=cpu', *a.overrides])
        for path in a.corpus:
            a.corpus_obj = load_corpus(Path(path).stem, Path(path), cfg0.data, cfg0.seed,
                                       Path('/tmp/budget_sweep_cache'))
            print(f"{a.corpus_obj.name}: {a.corpus_obj.meta['n_chars']:,} chars; torch {torch.__version__}, "
                  f"{torch.get_num_threads()} thread(s)", flush=True)
            for minutes in a.minutes:
                for kind in a.kinds:
                    for size in a.sizes:
                        if a.only and f'{kind}:{size}' not in a.only: continue
                        key = (a.corpus_obj.name, kind, size, minutes, a.ar_dropout if kind == 'ar' else None)
                        if any(run_key(r) == key for r in rows): continue
                        row = one_run(kind, size, minutes, a)
                        rows.append(row); print(json.dumps(row), flush=True)
                        out.parent.mkdir(parents=True, exist_ok=True)
                        with open(out, 'a') as f: f.write(json.dumps(row) + '\n')
    table(rows)
    if rows: plot(rows, Path(a.plot)); print(f"plot: {a.plot}")

if __name__ == '__main__':
    main()
