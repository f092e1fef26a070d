"""Benchmark: how long a token page's "write another" takes in headless Chromium, for a model of the default size.

It trains a model with the shipped defaults (4 layers, width 128, window 256, blocks of two with the pair head:
1.3 M parameters with a vocabulary of about 80 characters) on a bundled corpus, or takes a checkpoint you name,
writes a few samples and their collection (`diffgpt_collect`: the ONNX export and onnxruntime-web), then opens
token 0's page from file:// and presses "write another" `--clicks` times, each time until the document is
complete. It prints, per click, the seconds from the click to the finished document (the first click includes
loading onnxruntime-web and the model), the document's length and the network passes it took.

    python bench/write_another.py --dataset kjv_verses --iters 1500     # trains models/ in a temporary folder
    python bench/write_another.py --model models/kjv_verses.pt          # an existing checkpoint
    python bench/write_another.py --iters 30 --set train.pair_iters=30 # the speed alone: a barely trained model
"""
import argparse, contextlib, io, os, re, shutil, sys, tempfile, time
from pathlib import Path
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT/'tests'))
from chromium import Chromium
from diffusion_gpt_local.cli import train_main, generate_main
from diffusion_gpt_local.collect import collect_main

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--dataset', default='kjv_verses', help='bundled corpus to train on (default: %(default)s)')
    p.add_argument('--iters', type=int, default=1500, help='training steps (default: the shipped %(default)s)')
    p.add_argument('--set', action='append', default=[], metavar='KEY=VALUE', help='more training settings')
    p.add_argument('--model', help='an existing checkpoint instead of training one')
    p.add_argument('--clicks', type=int, default=5, help='documents to write (default: %(default)s)')
    a = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix='write-another-'))
    os.chdir(work)
    shutil.copy(ROOT/'config.yaml', 'config.yaml')
    if a.model: model = Path(a.model).resolve()
    else:
        Path('datasets').mkdir(); shutil.copy(ROOT/'datasets'/f'{a.dataset}.txt', 'datasets')
        t0 = time.time()
        sets = [x for kv in [f'train.max_iters={a.iters}', *a.set] for x in ('--set', kv)]
        assert train_main(['--dataset', a.dataset, '--quiet', *sets]) == 0
        print(f"trained {a.dataset} ({a.iters} steps) in {time.time() - t0:.0f} s")
        model = work/'models'/f'{a.dataset}.pt'
    with contextlib.redirect_stderr(io.StringIO()):
        assert generate_main(['--model', str(model), '--samples', '2', '--quiet', '--out-dir', 'outputs']) == 0
    t0 = time.time()
    assert collect_main(['--model', str(model), '--outputs', 'outputs', '--quiet']) == 0
    coll = work/'collections'/model.stem
    print(f"collected in {time.time() - t0:.0f} s; model.onnx {(coll/'model'/'model.onnx').stat().st_size:,} bytes, "
          f"pair.onnx {(coll/'model'/'pair.onnx').stat().st_size:,}, vendor/ {sum(f.stat().st_size for f in (coll/'vendor').iterdir()):,}")
    with Chromium(width=1000, height=700, timeout=600) as b:
        page = (coll/'tokens'/'0.html').as_uri()
        t0 = time.time(); b.goto(page); b.wait_for("document.body.dataset.done === '1'", timeout=30)
        print(f"page loaded and replayed in {time.time() - t0:.1f} s")
        for k in range(1, a.clicks + 1):
            t0 = time.time(); b.eval("document.getElementById('another').click()")
            b.wait_for(f"document.body.dataset.wrote === '{k}'", timeout=600, every=0.05)
            seconds, doc = time.time() - t0, b.eval("document.getElementById('text').textContent")
            status = b.eval("document.getElementById('status').textContent")
            passes = re.search(r'(\d+) passes', status).group(1)
            print(f"click {k}: {seconds:.1f} s, {len(doc)} characters, {passes} passes: {doc[:70]!r}")
        assert b.errors == [], b.errors
    shutil.rmtree(work, ignore_errors=True)

if __name__ == '__main__': main()
