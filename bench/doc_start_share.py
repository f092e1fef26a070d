"""Which share of training windows should start at a document (`data.doc_start_share`, issue 19)?

Windows start anywhere in the text (every character is trained on); a share of them starts at a document start,
marked by the separator before it, so the model learns how documents begin (and, on short lines, how they end).
This sweep trains the shipped default model with several shares on corpora of long documents and of short lines and
reports, per corpus and share:
- held-out bits/char over every held-out character (the ELBO, sliding windows with left context; `diffgpt_eval`),
  and the old figure on windows at held-out document starts;
- the length of generated documents against the corpus's (mean, median, share longer than the window), the share of
  their words found in the training documents (the report's readability statistic, held-out documents' share beside
  it) and distinct character 4-grams, from `diffgpt_generate --samples N --seed S` with the shipped defaults.

    python bench/doc_start_share.py --work W                       # 4 corpora x 3 shares: ~2 hours alone on 2 cores
    python bench/doc_start_share.py --work W --corpora kjv_verses --shares 0.1 0.5

Each model is trained once into `--work/models_SHARE/` and reused on a rerun (a checkpoint put there beforehand is
used as it is; delete it to retrain); results also go to
bench/results/doc_start_share.json. Bits/char do not depend on what else runs; seconds do (the load average is printed).
"""
import argparse, json, os, sys, time
from pathlib import Path
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from long_documents import CORPORA, ROOT, describe, lengths, run          # the long-documents bench's corpora and helpers

def train_and_score(name:str, share:float, work:Path, a) -> dict:
    "Train one model (unless its checkpoint is already in `work`) and read the held-out figures it stored."
    import torch
    ck = work/f'models_{share}'/f'{name}.pt'
    if not ck.exists():
        sets = [s for o in a.set + [f'data.doc_start_share={share}', f'paths.models={ck.parent}'] for s in ('--set', o)]
        run(['diffgpt_train', '--dataset', name, '--config', str(work/'config.yaml'), '-q', *sets], work)
    c = torch.load(ck, weights_only=True)
    assert c['config']['data']['doc_start_share'] == share, f"{ck} was trained with another share"
    m = c['metrics']        # diffgpt_train's closing evaluation: the figures diffgpt_eval prints
    return dict(train_seconds=round(m['seconds']), load=os.getloadavg()[0], bpc=m['val_bpc'], se=m['val_bpc_se'],
                bpc_doc_start=m.get('val_bpc_doc_start'), se_doc_start=m.get('val_bpc_doc_start_se'))

def sample_figures(name:str, share:float, work:Path, a) -> dict:
    "Generate with the defaults and describe the samples: lengths, words found in the corpus, distinct 4-grams."
    from diffusion_gpt_local.report import corpus_readability, distinct_ngrams
    import torch
    ck, out = work/f'models_{share}'/f'{name}.pt', work/f'out_{share}'
    t0 = time.time()
    run(['diffgpt_generate', '--model', str(ck), '--config', str(work/'config.yaml'), '--samples', str(a.samples),
         '--seed', str(a.seed), '-q', '--out-dir', str(out)], work)
    texts = (out/f'{name}_samples.txt').read_text(encoding='utf-8').splitlines()
    cfg = torch.load(ck, weights_only=True)['config']
    rd = corpus_readability(texts, work/'datasets'/f'{name}.txt', cfg)
    return dict(describe(np.array([len(t) for t in texts]), cfg['model']['block_size']),
                words=rd['samples'], words_heldout=rd['reference'], distinct4=distinct_ngrams(texts, 4),
                generate_seconds=round(time.time() - t0, 1))

def show(name:str, window:int, corpus:dict, rows:dict):
    print(f"\n== {name} (window {window}): corpus mean {corpus['mean']:.0f}, median {corpus['median']:.0f}, "
          f"{corpus['longer']:.1%} longer than the window")
    print(f"  {'share':>5}  {'bits/char (all)':>16}  {'doc starts':>10}  {'mean':>11}  {'median':>11}  {'> window':>8}"
          f"  {'words':>5}  {'4-grams':>7}  train s")
    for share, r in rows.items():
        s = r.get('samples') or {}
        dl = lambda k: f"{s[k]:.0f} ({s[k] / corpus[k] - 1:+.0%})" if s else '-'
        print(f"  {share:>5}  {r['bpc']:.3f} ± {r['se']:.3f}    {r['bpc_doc_start'] or 0:>10.3f}  {dl('mean'):>11}  "
              f"{dl('median'):>11}  {s.get('longer', 0):>8.1%}  {s.get('words', 0):>5.0%}  {s.get('distinct4', 0):>7.3f}"
              f"  {r['train_seconds']} (load {r['load']:.1f})")
    if rows and next(iter(rows.values())).get('samples'):
        print(f"  held-out documents' words found in the training documents: "
              f"{next(iter(rows.values()))['samples']['words_heldout']:.0%}")

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--corpora', nargs='+', default=['austen_paragraphs', 'kjv_verses', 'nova_commits', 'moby_dick'],
                    choices=list(CORPORA))
    ap.add_argument('--shares', nargs='+', type=float, default=[0.1, 0.25, 0.5])
    ap.add_argument('--samples', type=int, default=300, help='documents generated per model (default 300)')
    ap.add_argument('--seed', type=int, default=7, help='generation seed (default 7)')
    ap.add_argument('--set', action='append', default=[], metavar='KEY=VALUE', help='config override for every model')
    ap.add_argument('--work', type=Path, required=True, help='working folder (models are reused on a rerun)')
    a = ap.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    (a.work/'datasets').mkdir(exist_ok=True)
    if not (a.work/'config.yaml').exists(): (a.work/'config.yaml').write_text((ROOT/'config.yaml').read_text())
    os.environ['PYTHONPATH'] = str(ROOT) + os.pathsep + os.environ.get('PYTHONPATH', '')
    sys.path.insert(0, str(ROOT))
    print(f"working in {a.work}; load average {os.getloadavg()}", flush=True)
    results = {}
    for name in a.corpora:
        (a.work/'datasets'/f'{name}.txt').write_bytes(CORPORA[name].read_bytes())
        rows = {}
        for share in a.shares:
            rows[share] = train_and_score(name, share, a.work, a)
            if a.samples: rows[share]['samples'] = sample_figures(name, share, a.work, a)
        import torch
        window = torch.load(a.work/f'models_{a.shares[0]}'/f'{name}.pt', weights_only=True)['config']['model']['block_size']
        corpus = describe(lengths(CORPORA[name]), window)
        show(name, window, corpus, rows); sys.stdout.flush()
        results[name] = dict(window=window, corpus=corpus, shares={str(k): v for k, v in rows.items()})
        (ROOT/'bench'/'results').mkdir(exist_ok=True)
        (ROOT/'bench'/'results'/'doc_start_share.json').write_text(json.dumps(results, indent=1))
