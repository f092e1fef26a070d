"""Benchmark: diffusion vs an autoregressive baseline of the same size, at the same CPU budget.

For each model (the AR baseline of `diffusion_gpt_local.baseline`, then one or more diffusion
variants) this trains the default config from config.yaml on Tiny Shakespeare for the same
wall-clock budget and prints held-out bits/char on the same held-out windows (exact for AR, the
ELBO bound for diffusion), training speed in characters/s, model FLOPs per character, and MFU:
achieved model FLOP/s over this machine's dense float32 matmul FLOP/s, measured in the same process.

    python bench/compare_ar.py --minutes 10                      # the README figures
    python bench/compare_ar.py --minutes 3 --variant default --variant sedd --variant mdlm --variant uniform
    python bench/compare_ar.py --steps 16000 --set device=cuda   # equal steps instead of equal time, on a GPU

Variants: default (absorbing graph, flat-weighted masked loss, ELBO from the masked loss),
mdlm (absorbing, ELBO-weighted masked loss), sedd (absorbing, score entropy), uniform (uniform
graph, score entropy), compiled (default with torch.compile), fp32 (default in float32 even where the
CPU has native bf16), notime (no time conditioning), adamw (default with AdamW alone instead of Muon), nopair (default without
the pair head: its cost per training step),
blockN (block diffusion with blocks of N characters: 2, 4, 8, 16), whole (the whole window at once, block 0). --set KEY=VALUE overrides apply to every model.
Baselines (--ar-variant, default same): same (this project's blocks: rotary attention plus the causal
depthwise convolution the diffusion model also has, and the configured optimizer), adamw (the same
trained with AdamW alone: with Muon the baseline overfits Tiny Shakespeare within 10 minutes) and
plain (no convolution: the plain char-GPT of DEVELOPERS.md's bar, Karpathy's baby GPT with rotary
positions). The best same or adamw baseline is the reference.
MFU is reported against both the float32 and the bf16 matmul peak: with `train.dtype: auto` a CPU
with native bf16 trains under bf16 autocast.
"""
import argparse, json, tempfile, time
from pathlib import Path
import torch
from diffusion_gpt_local.config import load_config
from diffusion_gpt_local.data import load_corpus
from diffusion_gpt_local.trainer import train
from diffusion_gpt_local.baseline import train_ar, flops_per_char

VARIANTS = {'default': [], 'mdlm': ['train.weighting=elbo', 'diffusion.loss=masked'],
            'sedd': ['train.weighting=elbo', 'diffusion.loss=score_entropy'],
            'uniform': ['train.weighting=elbo', 'diffusion.graph=uniform', 'diffusion.loss=score_entropy'],
            'compiled': ['train.compile=true'], 'fp32': ['train.dtype=float32'], 'notime': ['model.time_conditioning=false'],
            'adamw': ['train.optimizer=adamw'], 'whole': ['diffusion.block=0'], 'nopair': ['model.pair_head=false'],
            **{f'block{n}': [f'diffusion.block={n}'] for n in (2, 4, 8, 16)}}

AR_VARIANTS = {'same': [], 'plain': ['model.conv_kernel=0'], 'adamw': ['train.optimizer=adamw']}

def matmul_flops(n=2048, reps=8, rounds=3, dtype=torch.float32) -> float:
    "Best dense matmul FLOP/s of this process (n×n @ n×n in `dtype`)."
    a, b = torch.randn(n, n, dtype=dtype), torch.randn(n, n, dtype=dtype)
    for _ in range(2): a @ b
    best = 0.0
    for _ in range(rounds):
        t = time.perf_counter()
        for _ in range(reps): a @ b
        best = max(best, 2 * n ** 3 * reps / (time.perf_counter() - t))
    return best

def main():
    root = Path(__file__).resolve().parent.parent
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--corpus', default=str(root.parent/'shared'/'corpora'/'tinyshakespeare.txt'))
    p.add_argument('--config', default=str(root/'config.yaml'))
    p.add_argument('--minutes', type=float, default=10.0, help='training budget per model (wall clock)')
    p.add_argument('--steps', type=int, help='train every model for exactly this many steps instead of a wall-clock budget')
    p.add_argument('--variant', action='append', choices=list(VARIANTS), help='diffusion variant(s) (default: default)')
    p.add_argument('--no-ar', action='store_true', help='skip the autoregressive baseline')
    p.add_argument('--no-diffusion', action='store_true', help='train the baseline(s) only')
    p.add_argument('--ar-variant', action='append', choices=list(AR_VARIANTS), help='baseline(s) to train (default: same)')
    p.add_argument('--ar-fp32', action='store_true', help='also train the baseline in float32; the better of the two is the reference')
    p.add_argument('--t-samples', type=int, default=16, help='diffusion times drawn per held-out window for the ELBO (more: smaller standard error)')
    p.add_argument('--set', dest='overrides', action='append', default=[], metavar='KEY=VALUE')
    a = p.parse_args()
    variants = a.variant or ['default']
    base = ['device=cpu', f'train.eval_t_samples={a.t_samples}', *a.overrides]
    tmp = Path(tempfile.mkdtemp())
    cfg0 = load_config(a.config, overrides=base)
    corpus = load_corpus('tinyshakespeare', Path(a.corpus), cfg0.data, cfg0.seed, tmp/'cache')
    peak, peak_bf16 = matmul_flops(), matmul_flops(dtype=torch.bfloat16)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, dense matmul fp32 {peak / 1e9:.0f} / bf16 {peak_bf16 / 1e9:.0f} GFLOP/s; "
          f"{corpus.meta['train_docs']:,} train / {corpus.meta['val_docs']:,} held-out documents; {f'{a.steps} steps' if a.steps else f'{a.minutes} min'} per model", flush=True)

    def metrics(kind, cfg, progress):
        "Train one model with `cfg`; its metrics dict."
        if kind == 'ar': return train_ar(cfg, corpus, progress).metrics
        return train(cfg, corpus, None, progress).ckpt['metrics']

    def planned(kind, over):
        "Time 10 and 60 probe steps; plan the cosine schedule over the steps that fit in the budget at the steady rate."
        if a.steps: return load_config(a.config, overrides=[*base, f'train.max_iters={a.steps}', f'train.eval_interval={max(1, a.steps // 5)}', *over])
        secs = []
        for n in (10, 60):
            cfg = load_config(a.config, overrides=[*base, f'train.max_iters={n}', 'train.eval_windows=1', 'train.eval_iters=1', *over])
            secs.append(metrics(kind, cfg, False)['seconds'])
        steps = int((a.minutes * 60 - secs[0]) / ((secs[1] - secs[0]) / 50)) + 10
        return load_config(a.config, overrides=[*base, f'train.max_iters={steps}', f'train.max_minutes={a.minutes}',
                                                f'train.eval_interval={max(1, steps // 5)}', *over])
    rows = []
    todo = []
    for v in ([] if a.no_ar else a.ar_variant or ['same']):
        name = 'autoregressive' + ('' if v == 'same' else f' {v}')
        todo += [('ar', name, AR_VARIANTS[v])] + ([('ar', f'{name} fp32', [*AR_VARIANTS[v], 'train.dtype=float32'])] if a.ar_fp32 else [])
    todo += [] if a.no_diffusion else [('diffusion', v, VARIANTS[v]) for v in variants]
    for kind, name, over in todo:
        cfg = planned(kind, over)
        print(f"== {name}: {cfg.train.max_iters} steps planned", flush=True)
        m = metrics(kind, cfg, True)
        fpc = flops_per_char(cfg.model, corpus.tok.vocab_size, streams=2 if kind == 'diffusion' and cfg.diffusion.block else 1)
        row = dict(model=name, block=None if kind == 'ar' else cfg.diffusion.block, plain=kind == 'ar' and cfg.model.conv_kernel == 0, graph=None if kind == 'ar' else cfg.diffusion.graph, loss=None if kind == 'ar' else cfg.diffusion.loss,
                   weighting=None if kind == 'ar' else cfg.train.weighting, steps=m['steps'], seconds=m['seconds'],
                   chars_per_sec=m['chars_per_sec'], params=m['params'], flops_per_char=fpc,
                   achieved_gflops=round(fpc * m['chars_per_sec'] / 1e9, 1), mfu=round(fpc * m['chars_per_sec'] / peak, 3),
                   mfu_bf16=round(fpc * m['chars_per_sec'] / peak_bf16, 3), dtype=cfg.train.dtype,
                   val_bpc=round(m['val_bpc'], 4), val_bpc_se=round(m['val_bpc_se'], 4), heldout_chars=m['eval']['chars'])
        rows.append(row)
        print(json.dumps(row), flush=True)
    ars = [r for r in rows if r['graph'] is None]
    ar = min((r for r in ars if not r['plain']), key=lambda r: r['val_bpc'], default=None) or min(ars, key=lambda r: r['val_bpc'], default=None)
    # the best baseline with this project's blocks is the reference (a plain one only when it is the only kind trained)
    print(f"\ndense matmul peak fp32 {peak / 1e9:.0f} GFLOP/s, bf16 {peak_bf16 / 1e9:.0f} GFLOP/s; budget "
          f"{f'{a.steps} steps' if a.steps else f'{a.minutes} min'} per model")
    if ar: print(f"reference: {ar['model']}")
    print(f"{'model':24s} {'bits/char':>16s} {'x AR':>6s} {'chars/s':>9s} {'x AR':>6s} {'MFU fp32':>9s} {'MFU bf16':>9s}")
    for r in rows:
        rel = f"{r['val_bpc'] / ar['val_bpc']:.3f}" if ar else '-'
        speed = f"{r['chars_per_sec'] / ar['chars_per_sec']:.2f}" if ar else '-'
        print(f"{r['model']:24s} {r['val_bpc']:8.4f} ± {r['val_bpc_se']:.4f} {rel:>6s} {r['chars_per_sec']:9,.0f} {speed:>6s} "
              f"{r['mfu']:9.1%} {r['mfu_bf16']:9.1%}")
    plain = min((r for r in ars if r['plain']), key=lambda r: r['val_bpc'], default=None)
    if plain and plain is not ar:
        for r in rows:
            if r['graph']: print(f"{r['model']} vs the best plain baseline ({plain['model']}): {r['val_bpc'] / plain['val_bpc']:.3f} x its bits/char")

if __name__ == '__main__':
    main()
