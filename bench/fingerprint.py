"""Fingerprint of what the package does, for refactors that must not change behaviour: tiny models trained
through the command line in several configurations, their samples under every sampler and prompt, their
held-out figures, an animation and the autoregressive baseline, each reduced to a short sha256.

    python bench/fingerprint.py --save /tmp/before.json     # on the code before a change
    python bench/fingerprint.py --check /tmp/before.json    # after it: every case must match
    python bench/fingerprint.py --models models outputs     # the digests of trained models and samples

It goes through the console commands (`diffgpt_train`, `diffgpt_generate`, `diffgpt_eval`), whose
options do not change when the code behind them is rearranged, so the same script checks before and
after. The digests are of this machine's floating point: compare runs on one machine.
"""
import argparse, hashlib, json, os, shutil, subprocess, sys, tempfile, time
from pathlib import Path
import torch

ROOT = Path(__file__).resolve().parent.parent
TINY = ['model.n_layer=2', 'model.n_head=2', 'model.n_embd=32', 'model.block_size=64', 'model.cond_dim=16',
        'train.max_iters=30', 'train.batch_size=8', 'train.eval_interval=10', 'train.eval_iters=2', 'train.pair_iters=10',
        'train.eval_windows=16', 'train.warmup_iters=5', 'sample.batch_size=16']
MODELS = {   # name: the settings that differ from the shipped defaults (blocks of two with a pair head, Muon, bf16 where native)
    'block2': [],
    'block2_f32': ['train.dtype=float32', 'sample.dtype=float32'],
    'whole': ['diffusion.block=0', 'sample.steps=16', 'sample.remask_noise=10.0'],
    'block4_ema_dropout': ['diffusion.block=4', 'model.dropout=0.1', 'train.ema=0.9', 'sample.steps=32'],
    'uniform': ['diffusion.block=0', 'diffusion.graph=uniform', 'diffusion.loss=score_entropy', 'train.weighting=elbo',
                'train.optimizer=adamw', 'sample.steps=16'],
    'geometric_se': ['diffusion.block=0', 'diffusion.noise=geometric', 'diffusion.loss=score_entropy', 'sample.steps=16'],
    'no_time': ['diffusion.block=0', 'model.time_conditioning=false', 'sample.steps=16'],
}
GENERATE = {   # model: list of extra diffgpt_generate arguments, one sample file each
    'block2': [[], ['--steps', '64'], ['--sampler', 'analytic'], ['--remask-noise', '0'], ['--top-p', '0.9', '--temperature', '0.8'],
               ['--prefix', 'Fix '], ['--suffix', ' tests', '--length', '30'], ['--template', 'Fix ____ in ___'],
               ['--max-copy', '8'], ['--unique', '--min-chars', '5'], ['--animate', 'ANIM']],
    'block2_f32': [[], ['--prefix', 'Add ']],
    'whole': [[], ['--sampler', 'analytic'], ['--sampler', 'euler'], ['--sampler', 'analytic', '--cache'], ['--prefix', 'Fix '],
              ['--template', 'Fix ____ in ___'], ['--animate', 'ANIM']],
    'block4_ema_dropout': [[], ['--steps', '16'], ['--sampler', 'analytic'], ['--suffix', ' tests', '--length', '30']],
    'uniform': [[], ['--sampler', 'euler'], ['--prefix', 'Fix ']],
    'geometric_se': [[], ['--sampler', 'analytic']],
    'no_time': [['--sampler', 'analytic', '--cache', '--steps', '128'], ['--sampler', 'analytic', '--steps', '128']],
}

def sha(b:bytes) -> str: return hashlib.sha256(b).hexdigest()[:16]

def weights_digest(path:Path) -> str:
    ck = torch.load(path, weights_only=True)
    h = hashlib.sha256()
    for k in sorted(ck['model']): h.update(k.encode()); h.update(ck['model'][k].contiguous().numpy().tobytes())
    h.update(json.dumps(ck['history'], sort_keys=True).encode()); h.update(json.dumps(ck['metrics']['eval'], sort_keys=True).encode())
    return h.hexdigest()[:16]

def run(cmd:list, cwd:Path) -> str:
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env={**os.environ, 'PYTHONHASHSEED': '0'})
    if r.returncode: sys.exit(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stderr[-3000:]}")
    return r.stdout

def ar_case() -> str:
    "The AR baseline: trained, sampled with its key/value cache, scored."
    from diffusion_gpt_local.config import Config, from_dict
    from diffusion_gpt_local.data import load_corpus
    from diffusion_gpt_local import baseline as bl
    tmp = Path(tempfile.mkdtemp())
    (tmp/'c.txt').write_text(''.join((ROOT/'datasets'/'nova_commits.txt').open().readlines()[:600]))
    cfg = from_dict(Config, dict(seed=3, model=dict(n_layer=2, n_head=2, n_embd=32, block_size=64, cond_dim=16),
                                 train=dict(batch_size=8, max_iters=30, warmup_iters=5, eval_windows=16)))
    corpus = load_corpus('c', tmp/'c.txt', cfg.data, cfg.seed, tmp/'cache')
    res = bl.train_ar(cfg, corpus, progress=False)
    ids = bl.generate(res.model, 4, 64, generator=torch.Generator().manual_seed(0))
    scores = bl.score_documents(res.model, corpus.tok, ['Fix typo in driver', 'Add tests'])
    h = hashlib.sha256()
    for v in res.model.state_dict().values(): h.update(v.contiguous().numpy().tobytes())
    h.update(ids.numpy().tobytes()); h.update(json.dumps([res.metrics['eval'], scores]).encode())
    shutil.rmtree(tmp)
    return h.hexdigest()[:16]

def cases() -> dict:
    "Every case's digest, by name."
    tmp = Path(tempfile.mkdtemp())
    (tmp/'datasets').mkdir()
    lines = (ROOT/'datasets'/'nova_commits.txt').open().readlines()[:1500]
    (tmp/'datasets'/'commits.txt').write_text(''.join(lines))
    shutil.copy(ROOT/'config.yaml', tmp/'config.yaml')
    out = {}
    for name, over in MODELS.items():
        cfg = tmp/f'{name}.yaml'
        cfg.write_text((tmp/'config.yaml').read_text().replace('datasets: datasets, models: models, outputs: outputs',
                                                               f'datasets: datasets, models: models_{name}, outputs: out_{name}'))
        sets = [a for s in TINY + over for a in ('--set', s)]
        run(['diffgpt_train', '--dataset', 'commits', '--config', str(cfg), '-q', *sets], tmp)
        ckpt = tmp/f'models_{name}'/'commits.pt'
        out[f'train/{name}'] = weights_digest(ckpt)
        out[f'eval/{name}'] = sha(run(['diffgpt_eval', '--model', str(ckpt), '--json', '--device', 'cpu'], tmp)
                                  .replace(str(tmp), '').encode())
        for i, extra in enumerate(GENERATE[name]):
            gif = tmp/f'{name}_{i}.gif'
            extra = [str(gif) if a == 'ANIM' else a for a in extra]
            od = tmp/f'out_{name}_{i}'
            run(['diffgpt_generate', '--model', str(ckpt), '--config', str(cfg), '--samples', '12', '-q', '--out-dir', str(od),
                 '--seed', '5', *extra], tmp)
            recs = [json.loads(l) for l in (od/'commits_samples.jsonl').read_text().splitlines()]
            for r in recs: r.pop('model', None); r.pop('model_sha256', None)   # the file's bytes hold its creation time
            key = f"generate/{name}/{' '.join(a if not a.endswith('.gif') else 'GIF' for a in extra) or 'defaults'}"
            out[key] = sha(json.dumps(recs, sort_keys=True).encode() + (gif.read_bytes() if gif.exists() else b''))
    out['baseline/ar'] = ar_case()
    shutil.rmtree(tmp)
    return out

def model_digests(models:Path, outputs:Path) -> dict:
    "Digests of every checkpoint in `models` and every samples file in `outputs` (the main command's results)."
    out = {f'model/{p.stem}': weights_digest(p) for p in sorted(Path(models).glob('*.pt'))}
    for p in sorted(Path(outputs).glob('*_samples.jsonl')):
        recs = [json.loads(l) for l in p.read_text().splitlines()]
        for r in recs: r.pop('model', None); r.pop('model_sha256', None)   # the file's bytes hold its creation time
        out[f'samples/{p.stem}'] = sha(json.dumps(recs, sort_keys=True).encode())
    return out

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--save', help='write the digests to this JSON file')
    ap.add_argument('--check', help='compare with the digests in this JSON file; exit 1 if any differs')
    ap.add_argument('--models', nargs=2, metavar=('MODELS', 'OUTPUTS'), help='digest trained checkpoints and sample files instead')
    a = ap.parse_args()
    t0 = time.time()
    got = model_digests(*a.models) if a.models else cases()
    ref = json.loads(Path(a.check).read_text()) if a.check else {}
    bad = 0
    for k, v in got.items():
        mark = '' if not a.check else 'same' if ref.get(k) == v else f'DIFFERS (was {ref.get(k)})'
        bad += mark.startswith('DIFFERS')
        print(f'{k:70s} {v}  {mark}')
    missing = [k for k in ref if k not in got]
    for k in missing: print(f'{k:70s} MISSING')
    print(f'{len(got)} cases in {time.time() - t0:.0f} s' + (f'; {bad + len(missing)} differ from {a.check}' if a.check else ''))
    if a.save: Path(a.save).write_text(json.dumps(got, indent=1))
    sys.exit(1 if bad or missing else 0)
