"""Int8 weights for "write another" (issue 21): the graphs' sizes, and what int8 costs in likelihood.

For each checkpoint it exports both graphs of the page's sampler (`export_onnx`), quantizes them (`int8_graph`, what
`diffgpt_collect --int8` writes) and scores held-out text with each pair in onnxruntime, one thread: the likelihood of
the page's own sampler writing the held-out characters, one pass per block of two, the left character drawn from the
block's outputs and the right one from the pair head given it (temperature 1, no nucleus filter; the order fixed
left first, where the sampler picks it by confidence), in bits per character. The text: the second halves of
held-out windows that slide along the held-out stream (`diffgpt_eval`'s stream scheme: the first half is clean
context), the same characters for both weights. Float32 in onnxruntime equals PyTorch to 1e-4 (23_onnx's test).

    python bench/int8.py --models models                 # every checkpoint there
    python bench/int8.py --models models --names kjv_verses --windows 64
"""
import argparse, math, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import numpy as np, torch
import onnxruntime as ort
from diffusion_gpt_local.checkpoint import model_from_checkpoint
from diffusion_gpt_local.data import load_corpus
from diffusion_gpt_local.evaluate import stream_windows, eval_context
from diffusion_gpt_local.onnx_export import export_onnx, int8_graph, writer_spec

def session(graph: bytes) -> ort.InferenceSession:
    opts = ort.SessionOptions(); opts.intra_op_num_threads = opts.inter_op_num_threads = 1
    return ort.InferenceSession(graph, opts, providers=['CPUExecutionProvider'])

def held_windows(lm, n: int) -> tuple[torch.Tensor, int]:
    "Up to `n` held-out stream windows whose whole second half is scored (evenly spread), and the context length."
    ds = lm.ckpt['dataset']
    corpus = load_corpus(Path(ds['file']).stem, Path(ds['file']), lm.cfg.data, lm.cfg.seed, Path(lm.cfg.paths.cache))
    T, block = lm.cfg.model.block_size, lm.cfg.diffusion.block
    ctx = eval_context(T, block)
    windows, scored = stream_windows(corpus.heldout, T, block)
    full = [i for i in range(len(windows)) if not scored[i, :ctx].any() and scored[i, ctx:].all()]
    pick = [full[k] for k in np.linspace(0, len(full) - 1, min(n, len(full))).round().astype(int)]
    return windows[pick], ctx

def sampler_bits(graphs: dict, windows: torch.Tensor, ctx: int, mask_id: int, sigma_bar: float) -> float:
    "Bits/char of the page's sampler (left first, then the pair head) writing windows[:, ctx:], block by block."
    step, pair = session(graphs['model.onnx']), session(graphs['pair.onnx'])
    N, T = windows.shape
    nats, sigma = 0.0, np.full(N, sigma_bar, dtype=np.float32)
    for p in range(ctx, T, 2):
        ids = windows[:, :p + 2].clone(); ids[:, p:] = mask_id
        out, z = step.run(None, {'ids': ids.numpy(), 'sigma_bar': sigma})
        x1, x2 = windows[:, p].numpy(), windows[:, p + 1].numpy()
        (second,) = pair.run(None, dict(z=z[:, 1], z_other=z[:, 0], other=x1, side=np.zeros(N, dtype=np.int64),
                                        logits=out[:, 1]))
        lp1 = torch.from_numpy(out[:, 0]).double().log_softmax(-1)[torch.arange(N), x1]
        lp2 = torch.from_numpy(second).double().log_softmax(-1)[torch.arange(N), x2]
        nats -= float((lp1 + lp2).sum())
    return nats / math.log(2) / (N * (T - ctx))

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--models', default='models', help='folder of checkpoints (default: %(default)s)')
    p.add_argument('--names', nargs='*', help='these checkpoints only (default: every one there)')
    p.add_argument('--windows', type=int, default=32, help='held-out windows per model (default: %(default)s)')
    a = p.parse_args()
    paths = [Path(a.models)/f'{n}.pt' for n in a.names] if a.names else sorted(Path(a.models).glob('*.pt'))
    print(f"{'model':20}{'chars':>7}{'model.onnx':>12}{'int8':>11}{'pair.onnx':>11}{'int8':>10}"
          f"{'float32 b/c':>13}{'int8 b/c':>10}{'cost':>8}")
    for path in paths:
        lm = model_from_checkpoint(path, 'cpu')
        t0 = time.time(); f32 = export_onnx(lm.model); t1 = time.time()
        i8 = {k: int8_graph(v) for k, v in f32.items()}; t2 = time.time()
        windows, ctx = held_windows(lm, a.windows)
        spec = writer_spec(lm)
        bits = [sampler_bits(g, windows, ctx, lm.graph.mask_id, spec['sigma_bar']) for g in (f32, i8)]
        print(f"{path.stem:20}{windows.shape[0] * (windows.shape[1] - ctx):>7,}{len(f32['model.onnx']):>12,}"
              f"{len(i8['model.onnx']):>11,}{len(f32['pair.onnx']):>11,}{len(i8['pair.onnx']):>10,}"
              f"{bits[0]:>13.3f}{bits[1]:>10.3f}{bits[1] / bits[0] - 1:>+8.1%}   (export {t1 - t0:.0f} s, "
              f"quantize {t2 - t1:.1f} s)", flush=True)

if __name__ == '__main__': main()
