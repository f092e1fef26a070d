"""Benchmark: how well a block-of-two model's pair head stands in for the second pass, on held-out text.

For every block of two characters of held-out windows (Tiny Shakespeare, the split the model was
trained with) it scores, in bits per character of the block:

  marginals    both characters from the first pass over the fully masked block (what drawing both
               at once from one pass would do, without a pair head)
  pair head    one character from its marginal, the other from the pair head given it (one pass)
  second pass  one character from its marginal, the other from a second pass over the half-written
               block, at t = 1/2 as the two-step sampler runs it (two passes)

each with the left and with the right character first. Lower is better; the model's own ELBO is
not involved (the pair head never changes it).

    python bench/pair_head.py --model B2/diffusion.pt          # a checkpoint of a blocks-of-2 model with a pair head
    python bench/pair_head.py --model models/kjv_verses.pt --corpus datasets/kjv_verses.txt --windows 64
"""
import argparse, math, tempfile
from pathlib import Path
import torch, torch.nn.functional as F
from diffusion_gpt_local.data import load_corpus
from diffusion_gpt_local.runtime import autocast_dtype
from diffusion_gpt_local.checkpoint import model_from_checkpoint
from diffusion_gpt_local.evaluate import heldout_windows

@torch.no_grad()
def score(lm, windows, batch:int=16) -> dict:
    "Bits per character of the blocks of two of `windows` (N, T) under the three ways of writing a block (module docstring)."
    m, V, M, T = lm.model.eval(), lm.graph.n, lm.graph.mask_id, lm.cfg.model.block_size
    amp = autocast_dtype(lm.cfg.sample.dtype, torch.device('cpu'))
    feats = {}
    hook = m.head.register_forward_hook(lambda mod, i, o: feats.__setitem__('z', i[0]))
    total = lambda t: lm.noise.total(torch.tensor(t, dtype=torch.float64)).float()
    def run(xt, x0, t):
        with torch.autocast('cpu', dtype=amp, enabled=amp is not None): return m(xt, total(t).expand(len(x0)), x0).float(), feats['z']
    nll = lambda logits, x: F.cross_entropy(logits.float().reshape(-1, V), x.reshape(-1), reduction='none')
    sums = dict.fromkeys(('marginals', 'pair head, left first', 'pair head, right first', 'second pass, left first', 'second pass, right first'), 0.0)
    n = 0
    try:
        for x0 in windows.split(batch):
            B = len(x0)
            o, z = run(torch.full_like(x0, M), x0, 1.0)                        # the first pass: every block fully masked
            ob, zb, xb = o.view(B, T // 2, 2, V), z.view(B, T // 2, 2, -1), x0.view(B, T // 2, 2)
            left, right = nll(ob[:, :, 0], xb[:, :, 0]), nll(ob[:, :, 1], xb[:, :, 1])
            with torch.autocast('cpu', dtype=amp, enabled=amp is not None):
                r_given_l = m.pair(zb[:, :, 1], zb[:, :, 0], xb[:, :, 0], torch.zeros_like(xb[:, :, 0]), ob[:, :, 1])
                l_given_r = m.pair(zb[:, :, 0], zb[:, :, 1], xb[:, :, 1], torch.ones_like(xb[:, :, 1]), ob[:, :, 0])
            second = {}
            for known in (0, 1):                                               # the second pass, as the two-step sampler makes it
                xt = x0.clone().view(B, T // 2, 2); xt[:, :, 1 - known] = M
                second[known] = nll(run(xt.view(B, T), x0, 0.5)[0].view(B, T // 2, 2, V)[:, :, 1 - known], xb[:, :, 1 - known])
            for k, v in (('marginals', left + right), ('pair head, left first', left + nll(r_given_l, xb[:, :, 1])),
                         ('pair head, right first', right + nll(l_given_r, xb[:, :, 0])),
                         ('second pass, left first', left + second[0]), ('second pass, right first', right + second[1])):
                sums[k] += v.sum().item()
            n += x0.numel()
    finally: hook.remove()
    return {k: v / n / math.log(2) for k, v in sums.items()}

def main():
    root = Path(__file__).resolve().parent.parent
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--model', required=True, help='checkpoint of a blocks-of-2 model with a pair head')
    p.add_argument('--corpus', default=str(root.parent/'shared'/'corpora'/'tinyshakespeare.txt'))
    p.add_argument('--cache', help='corpus cache folder (default: a temporary one)')
    p.add_argument('--windows', type=int, default=64, help='held-out windows, evenly spread')
    a = p.parse_args()
    lm = model_from_checkpoint(Path(a.model))
    if getattr(lm.model, 'pair', None) is None: p.error(f'{a.model}: no pair head (a blocks-of-2 model trained with model.pair_head: true)')
    corpus = load_corpus(Path(a.corpus).stem, Path(a.corpus), lm.cfg.data, lm.cfg.seed, Path(a.cache or tempfile.mkdtemp()))
    if corpus.meta['sha256'] != lm.ckpt.get('dataset', {}).get('sha256', corpus.meta['sha256']): p.error(f'{a.corpus} is not the corpus {a.model} was trained on')
    windows = heldout_windows(corpus.heldout, lm.cfg.model.block_size, a.windows)
    print(f"{a.model}: {len(windows)} held-out windows, {windows.numel():,} characters; bits per character of each block of two written")
    for k, v in score(lm, windows).items(): print(f"  {k:26s} {v:.3f}")

if __name__ == '__main__':
    main()
