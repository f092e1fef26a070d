"""Benchmark: training throughput and MFU on a GPU, for the diffusion model and the AR baseline.

For each setting it trains for a few hundred steps and takes the steady-state rate between two
step counts, so start-up and `torch.compile`'s compilation are not counted. MFU is achieved model
FLOP/s (`baseline.flops_per_char`: 6 × matmul weights + attention per character, the PaLM
convention) over this GPU's dense bf16 matmul FLOP/s, measured in the same
process (8192³ products); float32 matmuls run without TF32.

    python bench/gpu_throughput.py                        # the README figures (H100)
    python bench/gpu_throughput.py --steps 20 120 --set train.batch_size=256

Settings: the `gpu` preset (17 M parameters, block 512, batch 64) in float32 (TF32 matmuls off),
bf16 autocast, bf16 + torch.compile, and bf16 + compile with a 4× larger batch; the same-size AR
baseline in bf16 + compile; and the default small CPU config on the GPU for reference.
"""
import argparse, json, tempfile, time
from pathlib import Path
import torch
from diffusion_gpt_local.config import load_config
from diffusion_gpt_local.data import load_corpus
from diffusion_gpt_local.trainer import train
from diffusion_gpt_local.baseline import train_ar, flops_per_char

SETTINGS = [   # name, model kind, overrides on top of the gpu preset (None: no preset)
    ('gpu fp32', 'diffusion', ['train.dtype=float32', 'train.compile=false']),
    ('gpu bf16', 'diffusion', ['train.compile=false']),
    ('gpu bf16+compile', 'diffusion', []),
    ('gpu bf16+compile b256', 'diffusion', ['train.batch_size=256']),
    ('AR gpu bf16+compile', 'ar', []),
    ('AR gpu bf16+compile b256', 'ar', ['train.batch_size=256']),
    ('default (CPU config) bf16', 'diffusion', None),
]

def matmul_flops(dtype, n=8192, reps=20) -> float:
    "Dense matmul FLOP/s of this GPU in `dtype` (mean of `reps` products after warm-up)."
    a, b = torch.randn(n, n, device='cuda', dtype=dtype), torch.randn(n, n, device='cuda', dtype=dtype)
    for _ in range(3): a @ b
    s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    torch.cuda.synchronize(); s.record()
    for _ in range(reps): a @ b
    e.record(); torch.cuda.synchronize()
    return 2 * n ** 3 * reps / (s.elapsed_time(e) / 1000)

def main():
    root = Path(__file__).resolve().parent.parent
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--corpus', default=str(root.parent/'shared'/'corpora'/'tinyshakespeare.txt'))
    p.add_argument('--config', default=str(root/'config.yaml'))
    p.add_argument('--steps', type=int, nargs=2, default=[30, 230], help='time the steps between these two step counts')
    p.add_argument('--only', action='append', help='run only the settings whose name contains this')
    p.add_argument('--set', dest='overrides', action='append', default=[], metavar='KEY=VALUE')
    a = p.parse_args()
    if not torch.cuda.is_available(): raise SystemExit('gpu_throughput.py: no CUDA GPU here')
    torch.backends.cuda.matmul.allow_tf32 = False
    tmp = Path(tempfile.mkdtemp())
    peak_bf16, peak_fp32 = matmul_flops(torch.bfloat16), matmul_flops(torch.float32)
    print(f"torch {torch.__version__}, {torch.cuda.get_device_name()}: dense matmul bf16 {peak_bf16 / 1e12:.0f} TFLOP/s, "
          f"fp32 {peak_fp32 / 1e12:.0f} TFLOP/s", flush=True)
    rows = []
    for name, kind, over in SETTINGS:
        if a.only and not any(o in name for o in a.only): continue
        ov = ['device=cuda', f'train.max_iters={a.steps[1]}', f'train.eval_interval={10 ** 9}', 'train.eval_iters=1',
              'train.eval_windows=1', 'train.eval_t_samples=1', 'train.save_interval=0', *(over or []), *a.overrides]
        cfg = load_config(a.config, overrides=ov, preset=None if over is None else 'gpu')
        corpus = load_corpus('tinyshakespeare', Path(a.corpus), cfg.data, cfg.seed, tmp/'cache')
        stamps = {}                                    # the loss is read back every step, so each stamp follows a finished step
        mark = lambda step, rec: stamps.__setitem__(step, time.perf_counter())
        m = train_ar(cfg, corpus, False, mark).metrics if kind == 'ar' else train(cfg, corpus, None, False, callback=mark).ckpt['metrics']
        secs = [stamps[a.steps[0]], stamps[a.steps[1]]]
        B, T = cfg.train.batch_size, cfg.model.block_size
        cps = (a.steps[1] - a.steps[0]) * B * T / (secs[1] - secs[0])
        fpc = flops_per_char(cfg.model, corpus.tok.vocab_size)
        row = dict(setting=name, params=m['params'], batch=B, block=T, dtype=cfg.train.dtype, compile=cfg.train.compile,
                   ms_per_step=round(1000 * (secs[1] - secs[0]) / (a.steps[1] - a.steps[0]), 2), chars_per_sec=round(cps),
                   flops_per_char=fpc, tflops=round(fpc * cps / 1e12, 2), mfu_bf16=round(fpc * cps / peak_bf16, 4))
        rows.append(row)
        print(json.dumps(row), flush=True)
    print(f"\n{'setting':28s} {'params':>7s} {'batch':>5s} {'ms/step':>8s} {'chars/s':>12s} {'TFLOP/s':>8s} {'MFU bf16':>9s}")
    for r in rows:
        print(f"{r['setting']:28s} {r['params'] / 1e6:6.1f}M {r['batch']:5d} {r['ms_per_step']:8.2f} {r['chars_per_sec']:12,d} "
              f"{r['tflops']:8.2f} {r['mfu_bf16']:9.1%}")

if __name__ == '__main__':
    main()
