"""Curation with --best-of (issue 21): what keeping the likeliest documents does to a model's samples.

For each model it writes one pool of K x N documents that pass the filters, exactly as `diffgpt_generate --samples N
--best-of K` does (the defaults: max_copy 32, the checkpoint's seed), and compares, against the corpus's held-out
documents (the split training made):
- best of 1: the pool's first N documents (what a run without curation writes, up to its batching);
- best of K: `curate_like_corpus`, which is what `--best-of K` keeps from that very pool (13_generate tests it): the
  least variety weight whose set reaches the corpus's distinct 4-grams;
- diagnostics: fixed weights of the variety term (0: likelihood and the 32-character guard alone), the variety term
  counting every new 4-gram (before: misspelt words earned it too), and the pool's correlation of score and length
  (does the per-character score favour short documents?).
Figures: readability (the report's: share of the words found in the training documents; the held-out documents'
share is the reference), distinct character 4-grams (the report's), the corpus's distinct 4-grams on held-out
documents of the same number of characters as the set (the share falls as text grows, and the samples are not the
documents' length: the mean over 5 draws of held-out documents), mean length in characters, mean logp_per_char.

    OMP_NUM_THREADS=1 python bench/curation.py --models bench/results/curation/models          # every model there
    OMP_NUM_THREADS=1 python bench/curation.py --models M --names kjv_verses --samples 100 --best-of 4
    python bench/curation.py --models M --reuse            # analyse the pools written before, generate nothing
    python bench/curation.py --models M --pooled           # the three pools (seeds: the checkpoint's, 1, 2) together
    OMP_NUM_THREADS=1 python bench/curation.py --models M --seed 1      # another pool: the sampler's seed 1

Pools go to bench/results/curation/pool_NAME.json, the table to bench/results/curation/curation.json.
"""
import argparse, json, random, statistics, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from diffusion_gpt_local.checkpoint import model_from_checkpoint
from diffusion_gpt_local.cli import novelty_for
from diffusion_gpt_local.data import file_documents
from diffusion_gpt_local.generate import generate_samples, curate, curate_like_corpus
from diffusion_gpt_local.novelty import NoveltyIndex
from diffusion_gpt_local.report import distinct_ngrams, readability, split_sample, words

OUT = ROOT/'bench'/'results'/'curation'

def pool_for(path: Path, n: int, k: int, reuse: bool, seed: int | None = None) -> dict:
    "The K x N documents `--best-of K` chooses from (written once, then read back with --reuse)."
    f = OUT/f'pool_{path.stem}{"" if seed is None else f"_seed{seed}"}.json'
    if reuse and f.exists(): return json.loads(f.read_text())
    lm = model_from_checkpoint(path, 'cpu')
    novelty = novelty_for(lm, 12, False, print)
    t0 = time.time()
    g = generate_samples(lm, n * k, novelty=novelty, seed=lm.cfg.seed if seed is None else seed, progress=True,
                         desc=path.stem, trajectory=False)
    out = dict(model=str(path), n=n, k=k, seconds=time.time() - t0, corpus=lm.ckpt['dataset']['file'],
               seed=lm.cfg.seed, val_fraction=lm.cfg.data.val_fraction, settings=g.settings,
               samples=[dict(text=s['text'], logp_per_char=s['logp_per_char']) for s in g.samples])
    OUT.mkdir(parents=True, exist_ok=True)
    f.write_text(json.dumps(out, ensure_ascii=False))
    return out

def rank(xs: list) -> list:
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    r = [0.0] * len(xs)
    for pos, i in enumerate(order): r[i] = float(pos)
    return r

def spearman(a: list, b: list) -> float:
    return statistics.correlation(rank(a), rank(b))

def same_chars(held: list[str], chars: int, seed: int) -> list[str]:
    "Held-out documents in a random order, up to `chars` characters (the last one cut)."
    docs, out, total = random.Random(seed).sample(held, len(held)), [], 0
    for d in docs:
        if total >= chars: break
        out.append(d[:chars - total]); total += len(out[-1])
    return out

def readability_se(docs: list[str], vocab: set, rounds: int = 400) -> float:
    "Bootstrap standard error of the readability of `docs` (documents resampled, words counted with their document)."
    counts = [(sum(w in vocab for w in ws), len(ws)) for ws in (words(d) for d in docs)]
    rng, shares = random.Random(0), []
    for _ in range(rounds):
        pick = [counts[rng.randrange(len(counts))] for _ in counts]
        shares.append(sum(k for k, _ in pick) / max(1, sum(n for _, n in pick)))
    return statistics.stdev(shares)

def figures(docs: list[str], train: list[str], held: list[str], scores: list | None = None) -> dict:
    r, chars = readability(docs, train, held), sum(map(len, docs))
    vocab = {w for d in train for w in words(d)}
    return dict(readability=r['samples'], readability_se=readability_se(docs, vocab), reference=r['reference'],
                distinct4=distinct_ngrams(docs, 4),
                corpus4=statistics.fmean(distinct_ngrams(same_chars(held, chars, k), 4) for k in range(5)),
                mean_chars=statistics.fmean(len(d) for d in docs),
                logp=statistics.fmean(scores) if scores else None)

def one_model(path: Path, n: int, k: int, reuse: bool, seed: int | None = None) -> dict:
    pool = pool_for(path, n, k, reuse, seed)
    samples = pool['samples']
    train, held = split_sample(Path(pool['corpus']), pool['seed'], pool['val_fraction'])
    ref = random.Random(0).sample(held, min(n, len(held)))
    known = NoveltyIndex(Path(pool['corpus'])).found_grams(4)          # what --best-of counts as variety
    kept, weight = curate_like_corpus(samples, n, known, file_documents(Path(pool['corpus'])),
                                      pool['seed'] if seed is None else seed)     # what --best-of keeps
    sets = {'best of 1': samples[:n], f'best of {k} (weight {weight:g})': kept,
            f'best of {k}, likelihood alone': curate(samples, n, weight=0),
            **{f'best of {k}, weight {w:g}': curate(samples, n, weight=w, known=known) for w in (2.0, 3.0, 4.0)},
            f'best of {k}, any new 4-gram, weight 3': curate(samples, n, weight=3.0),
            f'best of {k}, any new 4-gram, weight 2': curate(samples, n, weight=2.0)}
    rows = {name: figures([s['text'] for s in docs], train, held, [s['logp_per_char'] for s in docs])
            for name, docs in sets.items()}
    rows['held-out'] = figures(ref, train, held)
    lens, scores = [len(s['text']) for s in samples], [s['logp_per_char'] for s in samples]
    return dict(model=path.stem, pool=len(samples), seconds=pool['seconds'], settings=pool['settings'], rows=rows,
                spearman_len_score=spearman(lens, scores))

def pooled(path: Path, n: int, k: int, seeds: list) -> dict:
    "Best of 1 and best of K over several pools written before, taken together: readability, its SE, the difference."
    sets, train = {'best of 1': [], f'best of {k}': []}, None
    for seed in seeds:
        pool = pool_for(path, n, k, True, seed)
        if train is None:
            train, held = split_sample(Path(pool['corpus']), pool['seed'], pool['val_fraction'])
            known = NoveltyIndex(Path(pool['corpus'])).found_grams(4)
            docs = file_documents(Path(pool['corpus']))
        kept, _ = curate_like_corpus(pool['samples'], n, known, docs, pool['seed'] if seed is None else seed)
        sets['best of 1'] += [s['text'] for s in pool['samples'][:n]]
        sets[f'best of {k}'] += [s['text'] for s in kept]
    vocab = {w for d in train for w in words(d)}
    out = {name: (readability(docs, train, held)['samples'], readability_se(docs, vocab)) for name, docs in sets.items()}
    (r1, e1), (rk, ek) = out.values()
    return dict(sets=out, diff=rk - r1, diff_se=(e1 ** 2 + ek ** 2) ** 0.5, documents=len(sets['best of 1']))

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--models', default=str(OUT/'models'), help='folder of checkpoints (default: %(default)s)')
    p.add_argument('--names', nargs='*', default=['nova_commits', 'kjv_verses', 'austen_paragraphs'])
    p.add_argument('--samples', type=int, default=100)
    p.add_argument('--best-of', type=int, default=4)
    p.add_argument('--reuse', action='store_true', help='analyse the pools written before')
    p.add_argument('--seed', type=int, default=None, help="the sampler's seed (default: the checkpoint's)")
    p.add_argument('--pooled', action='store_true',
                   help="the pools of the checkpoint's seed, --seed 1 and --seed 2 (written before) taken together")
    a = p.parse_args()
    if a.pooled:
        for name in a.names:
            r = pooled(Path(a.models)/f'{name}.pt', a.samples, a.best_of, [None, 1, 2])
            sets = ', '.join(f"{k} {v[0]:.3f} ± {v[1]:.3f}" for k, v in r['sets'].items())
            print(f"{name}: {r['documents']} documents each: {sets}; difference {r['diff']:+.3f} ± {r['diff_se']:.3f}")
        return
    results = []
    for name in a.names:
        path = Path(a.models)/f'{name}.pt'
        if not path.exists(): print(f'{path}: not there, skipped'); continue
        res = one_model(path, a.samples, a.best_of, a.reuse, a.seed)
        results.append(res)
        print(f"\n{name}: pool {res['pool']} in {res['seconds']:.0f} s, order {res['settings']['order']}; "
              f"Spearman(length, logp_per_char) over the pool {res['spearman_len_score']:+.2f}; "
              f"readability of all held-out documents {res['rows']['held-out']['reference']:.3f}")
        print(f"{'':40}{'readability':>16}{'distinct4':>10}{'corpus4':>8}{'mean chars':>11}{'logp/char':>10}")
        for row, f in res['rows'].items():
            lp = '' if f['logp'] is None else f"{f['logp']:10.3f}"
            r = f"{f['readability']:.3f} ± {f['readability_se']:.3f}"
            print(f"{row:40}{r:>16}{f['distinct4']:10.3f}{f['corpus4']:8.3f}{f['mean_chars']:11.1f}{lp}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT/f'curation{"" if a.seed is None else f"_seed{a.seed}"}.json').write_text(json.dumps(results, indent=1))

if __name__ == '__main__': main()
