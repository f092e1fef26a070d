"""Benchmark: train the default small config on Tiny Shakespeare for a fixed CPU budget.

Prints the held-out loss, the ELBO bits/char (± standard error) and the training speed in
characters per second, plus a few samples, so the figures in the README can be reproduced:

    python bench/train_shakespeare.py --minutes 6
    python bench/train_shakespeare.py --minutes 6 --set diffusion.graph=uniform --set diffusion.loss=score_entropy

The corpus is read from ../shared/corpora/tinyshakespeare.txt (not committed; see its README), or
from --corpus. Everything else comes from config.yaml's defaults plus --set overrides.
"""
import argparse, json, tempfile, time
from pathlib import Path
import torch
from diffusion_gpt_local.config import load_config
from diffusion_gpt_local.data import load_corpus
from diffusion_gpt_local.checkpoint import model_from_checkpoint, save_checkpoint
from diffusion_gpt_local.trainer import train
from diffusion_gpt_local.generate import generate_documents

root = Path(__file__).resolve().parent.parent
p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
p.add_argument('--corpus', default=str(root.parent/'shared'/'corpora'/'tinyshakespeare.txt'))
p.add_argument('--config', default=str(root/'config.yaml'))
p.add_argument('--minutes', type=float, default=6.0, help='training budget (wall clock)')
p.add_argument('--set', dest='overrides', action='append', default=[], metavar='KEY=VALUE')
p.add_argument('--samples', type=int, default=5)
a = p.parse_args()

# A 40-step probe measures this machine's seconds per step; the real run plans its cosine schedule
# over the steps that fit in the budget, and max_minutes stops it if the machine slows down.
cfg = load_config(a.config, overrides=['device=cpu', 'train.max_iters=40', *a.overrides])
tmp = Path(tempfile.mkdtemp())
corpus = load_corpus('tinyshakespeare', Path(a.corpus), cfg.data, cfg.seed, tmp/'cache')
probe = train(cfg, corpus, None, progress=False).ckpt['metrics']
steps = int(a.minutes * 60 / (probe['seconds'] / probe['steps']))
cfg = load_config(a.config, overrides=['device=cpu', f'train.max_iters={steps}', f'train.max_minutes={a.minutes}',
                                        f'train.eval_interval={max(1, steps // 6)}', *a.overrides])
print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; {corpus.meta['train_docs']:,} train / "
      f"{corpus.meta['val_docs']:,} held-out documents; {steps} steps planned for {a.minutes} min", flush=True)
res = train(cfg, corpus, None, progress=True)
m = res.ckpt['metrics']
print(json.dumps(dict(corpus='tinyshakespeare', minutes=a.minutes, overrides=a.overrides, steps=m['steps'],
                      chars_per_sec=m['chars_per_sec'], val_loss_nats=round(m['val_loss'], 4),
                      val_bpc=round(m['val_bpc'], 4), val_bpc_se=round(m['val_bpc_se'], 4), params=m['params'])))
save_checkpoint(res.ckpt, tmp/'bench.pt')
lm = model_from_checkpoint(tmp/'bench.pt')
t0 = time.time()
docs = generate_documents(lm, a.samples, seed=0)
print(f"{len(docs)} samples in {time.time() - t0:.1f} s:")
for d in docs: print('  ' + d)
