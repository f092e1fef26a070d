"""Benchmark: the sampler's speed per character on streams longer than the window (the window slides: a block
model rebuilds its cache from the kept context, a whole-window model fills the next stretch after a fixed prefix)
against its speed inside one window. Every length is timed once per round, the rounds interleaved (a busy machine
drifts); the medians are printed, and each length's speed relative to one window.

    python bench/long_generation.py                        # random-weight models of the default config, both kinds
    python bench/long_generation.py --model models/austen.pt --lengths 256 1024 2048   # a trained checkpoint
    python bench/long_generation.py --rounds 5 --batch 8 --device cuda
    python bench/long_generation.py --lengths 256 1024 --batch 2 --rounds 5 --threads 1   # the figures quoted

It also prints the network's work per character (whole-window passes per window of characters, the sampler's
`network_rows`), which a busy machine does not disturb. Rows never stop early here (no `stop_after`): every row
writes the whole stream, so the figure is the cost of the characters themselves, not of where documents end.
"""
import argparse, statistics, time
import torch
from diffusion_gpt_local.config import Config, from_dict
from diffusion_gpt_local.tokenizer import CharTokenizer
from diffusion_gpt_local.checkpoint import build_model, model_from_checkpoint, LoadedModel
from diffusion_gpt_local.generate import reverse_settings
from diffusion_gpt_local.sampler import sample_ids

CHARS = ''.join(chr(c) for c in range(32, 127))   # the random-weight models' characters

def random_model(block:int, device) -> LoadedModel:
    "A model of the default config with `diffusion.block: block` and its initial weights (speed needs no training)."
    cfg = from_dict(Config, dict(diffusion=dict(block=block)))
    tok = CharTokenizer(CHARS)
    torch.manual_seed(0)
    model, graph, noise = build_model(cfg, tok)
    return LoadedModel(model.to(device).eval(), graph, noise, tok, cfg, {})

def chars_per_second(lm, length:int, batch:int, device, seed:int, stats:dict|None=None) -> float:
    "Characters per second of one `sample_ids` call writing `batch` streams of `length` (`stats`: its network rows)."
    if device.type == 'cuda': torch.cuda.synchronize()
    t0 = time.perf_counter()
    sample_ids(lm.model, lm.graph, lm.noise, batch, length, reverse_settings(lm, device=device),
               torch.Generator(device=device).manual_seed(seed), device, stats=stats)
    if device.type == 'cuda': torch.cuda.synchronize()
    return batch * length / (time.perf_counter() - t0)

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--model', nargs='*', default=[], help='checkpoints (default: random block and whole-window models)')
    p.add_argument('--lengths', type=int, nargs='+', help='stream lengths (default: 1, 4 and 8 windows)')
    p.add_argument('--batch', type=int, default=4, help='streams written at once (default: 4)')
    p.add_argument('--rounds', type=int, default=3, help='rounds of every length, interleaved (default: 3)')
    p.add_argument('--device', default='cpu')
    p.add_argument('--threads', type=int, default=1, help='CPU threads (default: 1, steadier on a shared machine)')
    a = p.parse_args()
    device = torch.device(a.device)
    torch.set_num_threads(a.threads)
    models = ({path: model_from_checkpoint(path, device) for path in a.model} if a.model else
              {'block 2 (random weights)': random_model(2, device),
               'whole window (random weights)': random_model(0, device)})
    torch.set_grad_enabled(False)
    for name, lm in models.items():
        T = lm.cfg.model.block_size
        lengths = a.lengths or [T, 4 * T, 8 * T]
        speeds, rows = {n: [] for n in lengths}, {n: {} for n in lengths}
        chars_per_second(lm, lengths[0], 1, device, 0)                       # warm up
        for r in range(a.rounds):
            for n in lengths: speeds[n].append(chars_per_second(lm, n, a.batch, device, r, rows[n]))
        s = reverse_settings(lm, device=device)
        print(f"{name}: window {T}, {s.sampler} {s.steps} steps, batch {a.batch}, {a.rounds} rounds, {device}")
        base = statistics.median(speeds[lengths[0]])
        for n in lengths:
            m = statistics.median(speeds[n])
            passes = rows[n]['network_rows'] / (a.batch * n) * T     # whole-window passes per window of characters
            print(f"  {n:6d} characters: {m:8.1f} chars/s (median; rounds {', '.join(f'{v:.0f}' for v in speeds[n])})"
                  f"  {m / base:.2f}x the speed at {lengths[0]}; {passes:.2f} whole-window passes per {T} characters")

if __name__ == '__main__': main()
