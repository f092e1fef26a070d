"""Benchmark: how fast the diffusion sampler writes 100 samples of 256 characters, against
(a) the common notebook way — one sample at a time, 128 analytic steps — and (b) the same-size
autoregressive baseline generating the same 100 samples with a key/value cache. It also scores
each setting's samples with the AR baseline (bits/char of the samples under it: lower reads more
like the corpus) and reports their variety (distinct 4-grams), so speed is never bought with
quality unseen.

    python bench/sampling_speed.py --minutes 3                # trains both models first (3 min each)
    python bench/sampling_speed.py --keep /tmp/sampling_models  # reuse models trained by an earlier run
    python bench/sampling_speed.py --steps 16 32 64 128         # the settings to time
    python bench/sampling_speed.py --steps 32 64a 32rn5 --no-baselines  # a: analytic, r: remask (nT: noise T); skip the slow references
    python bench/sampling_speed.py --device cuda --notebook-samples 20   # the samplers on a GPU (models still trained on the CPU)
    python bench/sampling_speed.py --set diffusion.block=4 --keep /tmp/block4 --notebook-model /tmp/sampling_models/diffusion.pt
                                                              # a block-diffusion model; the notebook way timed on a whole-window one
    python bench/sampling_speed.py --keep /tmp/block4 --no-baselines --per-pass   # and the network alone: ms per pass and per AR step
    python bench/sampling_speed.py --keep /tmp/block4 --repeat 5   # AR and each setting timed 5 times in turn: medians (a busy machine drifts)

Models are trained on Tiny Shakespeare with config.yaml's defaults (as bench/compare_ar.py does).
"""
import argparse, json, re, statistics, tempfile, time
from pathlib import Path
import torch
from diffusion_gpt_local.config import load_config
from diffusion_gpt_local.data import load_corpus
from diffusion_gpt_local.runtime import autocast_dtype
from diffusion_gpt_local.checkpoint import model_from_checkpoint, save_checkpoint
from diffusion_gpt_local.trainer import train
from diffusion_gpt_local.sampler import sample_ids, resolve_sampler, ReverseSettings
from diffusion_gpt_local.generate import split_documents
from diffusion_gpt_local.baseline import train_ar, generate, score_documents, CharGPT

def distinct(texts, n=4, chars=3000) -> float:
    "Share of distinct character n-grams among the n-grams of the first `chars` characters of `texts` (the same amount of text for every method, since the share falls as text grows)."
    grams, total = [], 0
    for t in texts:
        t = t[:chars - total]; total += len(t)
        grams += [t[i:i + n] for i in range(len(t) - n + 1)]
        if total >= chars: break
    return len(set(grams)) / max(1, len(grams))

def docs_of(tok, ids) -> list[str]:
    "The complete documents in each sampled row (what diffgpt_generate would keep)."
    out = []
    for row in ids:
        complete, tail = split_documents(tok.decode(row))
        out += complete or [tail]
    return out

def parse_setting(setting:str):
    "`64`, `512c`, `32rn2`, `64af`, `64p0.9`, `32rn10f`: (steps, sampler letter, float32?, remask noise or None, top-p or None); None if malformed."
    m = re.fullmatch(r'(\d+)([crea]?)((?:f|n[\d.]+|p[\d.]+)*)', setting)
    if not m: return None
    mods = dict((k, v) for k, v in re.findall(r'([fnp])([\d.]*)', m[3]))
    try: return int(m[1]), m[2], 'f' in mods, float(mods['n']) if 'n' in mods else None, float(mods['p']) if 'p' in mods else None
    except ValueError: return None

def main():
    root = Path(__file__).resolve().parent.parent
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--corpus', default=str(root.parent/'shared'/'corpora'/'tinyshakespeare.txt'))
    p.add_argument('--config', default=str(root/'config.yaml'))
    p.add_argument('--minutes', type=float, default=3.0, help='training budget per model, if not reused from --keep')
    p.add_argument('--train-steps', type=int, help='train each model for exactly this many steps instead (no clock limit)')
    p.add_argument('--keep', help='folder to save the trained models in and reuse them from')
    p.add_argument('--samples', type=int, default=100)
    p.add_argument('--length', type=int, default=256)
    p.add_argument('--steps', nargs='+', help="diffusion step counts to time with the model's own sample settings; a letter after the number picks another "
                   "sampler (c the cached one, r remask, e euler, a analytic), then in any order f forces float32, nT remask noise T, pN top-p N "
                   "(e.g. 512c, 32rn2, 64af, 32rn10f, 64p0.9; default: the model's sample.steps)")
    p.add_argument('--device', default='cpu', help='run the samplers on this device (cpu, cuda); the models are trained on the CPU')
    p.add_argument('--no-baselines', action='store_true', help='skip the notebook-way and AR timings (ratios against them are then not shown)')
    p.add_argument('--notebook-samples', type=int, default=100, help='samples to time the one-at-a-time way (extrapolated to --samples)')
    p.add_argument('--batch', type=int, help="samples per sampler call (default: the model's sample.batch_size)")
    p.add_argument('--notebook-model', help='checkpoint to time the notebook way with (default: the diffusion model itself); '
                   'for a block-diffusion model give a whole-window model of the same size, e.g. diffusion.pt of an earlier --keep folder')
    p.add_argument('--repeat', type=int, default=1, help='time the AR baseline and every setting this many times, in interleaved rounds, '
                   'and report each one\'s median (default: 1)')
    p.add_argument('--per-pass', action='store_true', help="also time the network alone: a block model's one-block and fused passes, "
                   "and an AR step, each averaged over a --length run at the timed batch size (medians of 3 runs)")
    p.add_argument('--set', dest='overrides', action='append', default=[], metavar='KEY=VALUE')
    a = p.parse_args()
    settings = [(x, parse_setting(x)) for x in a.steps or []]
    if a.repeat < 1: p.error(f'--repeat must be at least 1, got {a.repeat}')
    for x, parsed in settings:
        if parsed is None: p.error(f"--steps {x}: expected e.g. 64, 512c, 32r, 32rn2, 64e, 64af, 32rn10f or 64p0.9")
    keep = Path(a.keep or tempfile.mkdtemp()); keep.mkdir(parents=True, exist_ok=True)
    base = ['device=cpu', *a.overrides]
    cfg = load_config(a.config, overrides=base)
    corpus = load_corpus('tinyshakespeare', Path(a.corpus), cfg.data, cfg.seed, keep/'cache')
    # planned steps: about what the 2-core CPU does per minute; max_minutes stops a slower machine
    budget = [f'train.max_iters={a.train_steps}'] if a.train_steps else \
             [f'train.max_iters={int(2400 / 6 * a.minutes)}', f'train.max_minutes={a.minutes}']
    c = load_config(a.config, overrides=[*base, *budget])
    if not (keep/'diffusion.pt').exists(): save_checkpoint(train(c, corpus, None).ckpt, keep/'diffusion.pt')
    if not (keep/'ar.pt').exists():
        r = train_ar(c, corpus)
        torch.save(dict(model=r.model.state_dict(), metrics=r.metrics), keep/'ar.pt')
    dev = torch.device(a.device)
    lm = model_from_checkpoint(keep/'diffusion.pt', device=dev)
    ar = CharGPT(lm.cfg.model, corpus.tok.vocab_size); ar.load_state_dict(torch.load(keep/'ar.pt', weights_only=True)['model']); ar.to(dev).eval()
    tok, n, L, sc = lm.tok, a.samples, a.length, lm.cfg.sample
    batch = a.batch or sc.batch_size
    assert L <= lm.cfg.model.block_size, 'length beyond the model block size'
    print(f"torch {torch.__version__}, {torch.cuda.get_device_name() if dev.type == 'cuda' else f'{torch.get_num_threads()} CPU threads'}; {n} samples x {L} chars; "
          f"diffusion {lm.ckpt['metrics']['val_bpc']:.3f} bits/char held out, AR {torch.load(keep/'ar.pt', weights_only=True)['metrics']['val_bpc']:.3f}", flush=True)
    rows = []
    def record(name, seconds, ids, **kw):
        docs = docs_of(tok, ids.cpu())
        gen = score_documents(ar, tok, docs, device=dev)
        r = dict(method=name, seconds=round(seconds, 2), **kw, gen_bpc=round(sum(gen) / len(gen), 3), distinct4=round(distinct(docs), 3),
                 mean_doc_chars=round(sum(map(len, docs)) / len(docs), 1))
        rows.append(r); print(json.dumps(r), flush=True)

    notebook = ar_s = None
    # warm-up (the first calls of each shape pay for kernel selection and allocation): a few steps of each method at the timed batch size, untimed
    warm = ReverseSettings(resolve_sampler(sc.sampler, lm.graph), 2, t_eps=lm.cfg.diffusion.t_eps, amp=autocast_dtype(sc.dtype, dev))
    sample_ids(lm.model, lm.graph, lm.noise, batch, L, warm, torch.Generator(device=dev).manual_seed(1), dev)
    generate(ar, n, 8, generator=torch.Generator(device=dev).manual_seed(1), device=dev)
    # (a) the notebook way: one sample at a time, 128 steps
    g = torch.Generator(device=dev).manual_seed(0)
    sync = torch.cuda.synchronize if dev.type == 'cuda' else (lambda: None)
    k = 0 if a.no_baselines else min(a.notebook_samples, n)
    if k:
        t0 = time.perf_counter()
        nb = model_from_checkpoint(Path(a.notebook_model), device=dev) if a.notebook_model else lm
        if nb.cfg.diffusion.block: p.error('the notebook way needs a whole-window model: give one with --notebook-model')
        one = ReverseSettings('analytic', 128, t_eps=nb.cfg.diffusion.t_eps)
        ids = torch.cat([sample_ids(nb.model, nb.graph, nb.noise, 1, L, one, g, dev) for _ in range(k)])
        sync()
        record('notebook: 1 at a time, 128 steps', (time.perf_counter() - t0) * n / k, ids, measured_samples=k, steps=128, batch=1)
        notebook = rows[-1]['seconds']
    # (b) the AR baseline with a KV cache, all at once, and (c) this package's sampler, batched: timed in --repeat interleaved
    # rounds (AR, then every setting), each reported with the median of its rounds (this shared machine's speed drifts)
    def time_ar():
        t0 = time.perf_counter()
        ids = generate(ar, n, L, generator=torch.Generator(device=dev).manual_seed(0), device=dev)
        sync()
        return time.perf_counter() - t0, ids
    def time_setting(steps, letter, fp32, tau, top_p):
        cache, tau, top_p = letter == 'c', sc.remask_noise if tau is None else tau, 1.0 if top_p is None else top_p
        amp = None if fp32 else autocast_dtype(sc.dtype, dev)
        sampler = resolve_sampler(dict(r='remask', e='euler', a='analytic').get(letter, sc.sampler), lm.graph)
        settings = ReverseSettings(sampler, steps, top_p=top_p, remask_noise=tau, cache=cache, amp=amp, t_eps=lm.cfg.diffusion.t_eps)
        g, st, calls, chunks = torch.Generator(device=dev).manual_seed(0), {}, 0, []
        t0 = time.perf_counter()
        for chunk in torch.arange(n).split(batch):
            chunks.append(sample_ids(lm.model, lm.graph, lm.noise, len(chunk), L, settings, g, dev, stats=st))
            calls += st['network_rows']
        sync()
        name = (f"diffusion {sampler}, {steps} steps{' cached' if cache else ''}{f' top-p {top_p}' if top_p < 1 else ''}"
                f"{f' noise {tau:g}' if sampler == 'remask' else ''}{', bf16' if amp is not None else ''}")
        return time.perf_counter() - t0, torch.cat(chunks), name, dict(steps=steps, batch=batch, network_calls_per_sample=round(calls / n, 1))
    settings = settings or [(str(sc.steps), parse_setting(str(sc.steps)))]
    runs = {'AR': []} if k else {}
    runs.update({i: [] for i in range(len(settings))})
    first = {}
    for r in range(a.repeat):
        if k:
            t, ids = time_ar(); runs['AR'].append(t)
            if r == 0: first['AR'] = ids
        for i, (setting, parsed) in enumerate(settings):
            t, ids, name, kw = time_setting(*parsed); runs[i].append(t)
            if r == 0: first[i] = (ids, name, kw)
    med = statistics.median
    rounds = lambda ts: dict(runs=[round(t, 2) for t in ts]) if len(ts) > 1 else {}
    if k:
        record('AR baseline, KV cache', med(runs['AR']), first['AR'], batch=n, **rounds(runs['AR']))
        ar_s = rows[-1]['seconds']
    for i in range(len(settings)):
        ids, name, kw = first[i]
        vs = [x / y for x, y in zip(runs['AR'], runs[i])] if k and a.repeat > 1 else []   # round by round: the drift cancels
        record(name, med(runs[i]), ids, **kw, **rounds(runs[i]), **(dict(vs_ar_rounds=[round(v, 2) for v in vs], vs_ar=round(med(vs), 2)) if vs else {}))
    print(f"\n{'method':38s} {'seconds':>8s} {'vs notebook':>12s} {'vs AR':>7s} {'gen bits/char':>14s} {'distinct 4-grams':>17s}")
    ratio = lambda ref, s: f"{ref / s:.1f}x" if ref else '-'
    for r in rows:
        vs_ar = f"{r['vs_ar']:.2f}x" if 'vs_ar' in r else ratio(ar_s, r['seconds'])   # with --repeat: the median of the rounds' ratios
        print(f"{r['method']:38s} {r['seconds']:8.1f} {ratio(notebook, r['seconds']):>12s} {vs_ar:>7s} {r['gen_bpc']:14.3f} {r['distinct4']:17.3f}")
    corpus_docs = [tok.decode(corpus.val.windows(torch.arange(i, i + 1).numpy(), 64)[0]).split('\n')[0] for i in range(0, min(len(corpus.val), 2000), 5)]
    cg = score_documents(ar, tok, corpus_docs, device=dev)
    print(f"{'held-out corpus lines (reference)':38s} {'':8s} {'':12s} {'':7s} {sum(cg) / len(cg):14.3f} {distinct(corpus_docs):17.3f}")
    if a.per_pass: per_pass(lm, ar, batch, L, dev, sc, sync)

def per_pass(lm, ar, B, length, dev, sc, sync):
    "Milliseconds per network pass, no sampling: a block model's one-block pass, fused pass (cache a block, start the next) and pair head, and an AR step."
    from diffusion_gpt_local.baseline import step
    m, amp, block = lm.model.eval(), autocast_dtype(sc.dtype, dev), lm.cfg.diffusion.block
    g = torch.Generator(device=dev).manual_seed(0)
    times, pair = dict(single=[], fused=[], pair=[], ar=[]), getattr(m, 'pair', None) is not None
    for _ in range(3):
        if block:
            ctx, n = m.new_cache(B, dev), length // block
            ids = lambda: torch.randint(0, lm.tok.vocab_size, (B, block), device=dev, generator=g)
            sb = torch.ones(B, device=dev)
            t = dict(single=0.0, fused=0.0, **({'pair': 0.0} if pair else {}))
            first, char = torch.zeros(B, dtype=torch.long, device=dev), torch.zeros(B, dtype=torch.long, device=dev)
            with torch.no_grad(), torch.autocast(dev.type, dtype=amp, enabled=amp is not None):
                m.denoise_block(ids(), sb, ctx)
                for _ in range(n - 1):
                    clean, xb = ids(), ids()
                    sync(); t0 = time.perf_counter(); out = m.append_and_denoise(clean, xb, sb, ctx); sync(); t1 = time.perf_counter()
                    if pair: m.pair_logits(out, ctx, first, char); sync(); t['pair'] += time.perf_counter() - t1
                    t2 = time.perf_counter()
                    m.denoise_block(xb, sb, ctx); sync(); t['fused'] += t1 - t0; t['single'] += time.perf_counter() - t2
            for k in t: times[k].append(t[k] / (n - 1) * 1e3)
        st, tok = ar.new_cache(B, length, dev), torch.zeros(B, dtype=torch.long, device=dev)
        sync(); t0 = time.perf_counter()
        for _ in range(length): step(ar, tok, st)
        sync(); times['ar'].append((time.perf_counter() - t0) / length * 1e3)
    med = {k: statistics.median(v) for k, v in times.items() if v}
    if block: print(f"\nnetwork alone, batch {B}: one-block pass {med['single']:.2f} ms, fused pass {med['fused']:.2f} ms "
                    f"(a block of {block} in {block} steps: {(med['fused'] + (block - 1) * med['single']) / block:.2f} ms per character)"
                    + (f"; pair head {med['pair']:.2f} ms (a block in one pass: {(med['fused'] + med['pair']) / block:.2f} ms per character)" if 'pair' in med else '')
                    + f"; AR step {med['ar']:.2f} ms")
    else: print(f"\nnetwork alone, batch {B}: AR step {med['ar']:.2f} ms (--per-pass times block passes of a block-diffusion model only)")

if __name__ == '__main__':
    main()
