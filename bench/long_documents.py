"""Documents of any length (issue 19): what windows that start anywhere and generation past one window do, at the
default config's budget, on corpora of long documents (paragraphs) and of short lines.

For each corpus it trains, through the command line and with the shipped defaults, the model of today
(`data.windows: anywhere`) and the model of before (`data.windows: documents`: windows only at document starts),
plus the same-size autoregressive baseline on today's windows (bench/compare_ar.py's baseline, in process), and
reports:
- held-out bits/char over every held-out character (and the old figure on windows at document starts), for the
  diffusion models and the AR baseline alike, and the diffusion/AR ratio;
- the length of generated documents against the corpus's: mean, median, share longer than `model.block_size`
  (`diffgpt_generate --samples N` with the defaults, the novelty bound included).

    python bench/long_documents.py                                   # the four corpora below, ~1 hour on 2 cores
    python bench/long_documents.py --corpora moby_dick --samples 100 # one corpus
    python bench/long_documents.py --set train.max_iters=300         # a quick look (not the default budget)
    python bench/long_documents.py --phase train --work W; python bench/long_documents.py --phase generate --work W

`--phase train` trains and scores (models kept in `--work`), `--phase generate` generates from them and prints the
whole table (`all`, the default, does both).

Corpora are read from ../shared/corpora (moby_dick.txt) or datasets/ (the bundled ones). Results also go to
bench/results/long_documents.json.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = next((d/'shared'/'corpora' for d in ROOT.parents if (d/'shared'/'corpora').is_dir()), ROOT.parent/'shared'/'corpora')
CORPORA = dict(austen_paragraphs=ROOT/'datasets'/'austen_paragraphs.txt', moby_dick=SHARED/'moby_dick.txt',
               nova_commits=ROOT/'datasets'/'nova_commits.txt', kjv_verses=ROOT/'datasets'/'kjv_verses.txt')

def run(cmd, cwd):
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if r.returncode: sys.exit(f"{' '.join(map(str, cmd))} failed ({r.returncode}):\n{r.stderr[-3000:]}")
    return r.stdout

def lengths(path:Path) -> np.ndarray:
    "Document lengths (characters) of a corpus file."
    return np.array([len(l.rstrip('\n')) for l in path.open(encoding='utf-8') if l.strip()])

def describe(L:np.ndarray, window:int) -> dict:
    return dict(n=int(len(L)), mean=float(L.mean()), median=float(np.median(L)), longer=float((L > window).mean()))

def ar_figures(cfg_path:Path, name:str, corpus_file:Path, over:list) -> dict:
    "Train the AR baseline with the same config and score it on the same held-out characters."
    from diffusion_gpt_local.config import load_config
    from diffusion_gpt_local.data import load_corpus
    from diffusion_gpt_local.baseline import train_ar
    cfg = load_config(cfg_path, name, overrides=over)
    corpus = load_corpus(name, corpus_file, cfg.data, cfg.seed, Path(cfg.paths.cache))
    res = train_ar(cfg, corpus, progress=False)
    m = res.metrics
    return dict(bpc=m['val_bpc'], se=m['val_bpc_se'], bpc_doc_start=m.get('val_bpc_doc_start'), seconds=m['seconds'])

def one_corpus(name:str, src:Path, tmp:Path, a) -> dict:
    (tmp/'datasets').mkdir(exist_ok=True)
    (tmp/'datasets'/f'{name}.txt').write_bytes(src.read_bytes())
    cfg = tmp/'config.yaml'
    over = [s for o in a.set for s in ('--set', o)]
    saved = tmp/f'{name}.json'
    out = json.loads(saved.read_text()) if saved.exists() else dict(corpus=name, corpus_lengths=None, models={})
    for scheme in ('anywhere', 'documents'):
        models = tmp/f'models_{scheme}'
        ck = models/f'{name}.pt'
        if scheme == 'documents' and a.old_models and (Path(a.old_models)/f'{name}.pt').exists():
            ck = Path(a.old_models)/f'{name}.pt'                 # a model trained before: windows at documents
        if a.phase != 'generate':
            t0 = time.time()
            sets = over + ['--set', f'data.windows={scheme}', '--set', f'paths.models={models}',
                           '--set', f'paths.outputs={tmp}/out_{scheme}']
            if not str(ck).startswith(str(a.old_models or '-')):
                run(['diffgpt_train', '--dataset', name, '--config', str(cfg), '-q', *sets], tmp)
            ev = json.loads(run(['diffgpt_eval', '--model', str(ck), '--json', '--device', 'cpu'], tmp).splitlines()[-1])
            out['models'][scheme] = dict(train_seconds=round(time.time() - t0), bpc=ev['bpc'], se=ev['se'],
                                         bpc_doc_start=ev.get('bpc_doc_start'), se_doc_start=ev.get('se_doc_start'))
        rec = out['models'][scheme]
        if a.phase != 'train' and (scheme == 'anywhere' or a.samples_old):
            t1 = time.time()
            table = run(['diffgpt_generate', '--model', str(ck), '--config', str(cfg), '--samples', str(a.samples),
                         '-q', '--out-dir', str(tmp/f'out_{scheme}')], tmp)
            rec['generate_table'] = table.strip()                 # the tool's own summary: rejected copies etc.
            recs = [json.loads(l) for l in (tmp/f'out_{scheme}'/f'{name}_samples.jsonl').read_text().splitlines()]
            import torch
            window = torch.load(ck, weights_only=True)['config']['model']['block_size']
            rec['samples'] = describe(np.array([r['chars'] for r in recs]), window)
            rec['generate_seconds'] = round(time.time() - t1, 1)
            rec['copies_32'] = sum((r['longest_copy'] or 0) >= 32 for r in recs)
    import torch
    out['window'] = torch.load(tmp/'models_anywhere'/f'{name}.pt', weights_only=True)['config']['model']['block_size']
    out['corpus_lengths'] = describe(lengths(src), out['window'])
    if name in (a.ar or []) and a.phase != 'generate': out['ar'] = ar_figures(cfg, name, tmp/'datasets'/f'{name}.txt', a.set)
    saved.write_text(json.dumps(out, indent=1))
    return out

def show(r:dict):
    c, w = r['corpus_lengths'], r['window']
    print(f"\n== {r['corpus']} (window {w}): corpus {c['n']} documents, mean {c['mean']:.0f}, median {c['median']:.0f}, "
          f"{c['longer']:.1%} longer than the window")
    for scheme, m in r['models'].items():
        line = (f"  windows {scheme:9s}: {m['bpc']:.3f} ± {m['se']:.3f} bits/char over every held-out character"
                + (f", {m['bpc_doc_start']:.3f} on windows at document starts" if m.get('bpc_doc_start') else ''))
        print(line + f"  (trained in {m['train_seconds']} s)")
        if 'samples' in m:
            s = m['samples']
            print(f"    samples: {s['n']}, mean {s['mean']:.0f} ({s['mean'] / c['mean'] - 1:+.0%}), median {s['median']:.0f} "
                  f"({s['median'] / c['median'] - 1:+.0%}), {s['longer']:.1%} longer than the window "
                  f"({100 * (s['longer'] - c['longer']):+.1f} points); {m['copies_32']} copy 32+ characters; "
                  f"generated in {m['generate_seconds']} s")
            print('    ' + m['generate_table'].replace('\n', '\n    '))
    if 'ar' in r:
        ar, d = r['ar'], r['models']['anywhere']
        print(f"  AR baseline      : {ar['bpc']:.3f} ± {ar['se']:.3f} bits/char over every held-out character "
              f"(diffusion/AR {d['bpc'] / ar['bpc']:.3f})"
              + (f", {ar['bpc_doc_start']:.3f} at document starts" if ar.get('bpc_doc_start') else ''))

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--corpora', nargs='+', default=list(CORPORA), choices=list(CORPORA))
    ap.add_argument('--samples', type=int, default=100, help='documents generated per model (default 100)')
    ap.add_argument('--samples-old', action='store_true', help='also generate from the windows-at-documents model')
    ap.add_argument('--ar', nargs='*', default=None, help='the corpora to train the AR baseline on (default: all)')
    ap.add_argument('--old-models', help="a folder of checkpoints trained before (windows at documents) to score "
                    "instead of training the 'documents' model again (same config and corpus: the same weights)")
    ap.add_argument('--set', action='append', default=[], metavar='KEY=VALUE', help='config override for every model')
    ap.add_argument('--phase', choices=('all', 'train', 'generate'), default='all')
    ap.add_argument('--work', type=Path, help='working folder, kept (default: a new temporary one)')
    a = ap.parse_args()
    if a.ar is None: a.ar = a.corpora
    tmp = a.work or Path(tempfile.mkdtemp(prefix='long_docs_'))
    tmp.mkdir(parents=True, exist_ok=True)
    if a.phase != 'generate': (tmp/'config.yaml').write_text((ROOT/'config.yaml').read_text())
    os.environ['PYTHONPATH'] = str(ROOT) + os.pathsep + os.environ.get('PYTHONPATH', '')
    sys.path.insert(0, str(ROOT))
    print(f"working in {tmp}; uptime: {os.getloadavg()} (load average: other work on the machine)", flush=True)
    results = []
    for name in a.corpora:
        r = one_corpus(name, CORPORA[name], tmp, a)
        show(r); results.append(r); sys.stdout.flush()
    (ROOT/'bench'/'results').mkdir(exist_ok=True)
    (ROOT/'bench'/'results'/'long_documents.json').write_text(json.dumps(results, indent=1))
