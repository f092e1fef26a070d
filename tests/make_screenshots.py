"""Take the README's screenshots (nbs/images/) in headless Chromium: a chapter of the documentation
site and a model report (its summary table with the flags, its comparison panels, one model's
section). Build both first (`diffgpt_docs`, `diffgpt_report`), then run

    python3 tests/make_screenshots.py --site _docs --report outputs/report.html

`--site none` or `--report none` skips that one.

A collection (`diffgpt_collect`): its gallery, a token page caught while it replays its denoising, and (a block
model's collection) the same page after "write another" wrote a new document:

    python3 tests/make_screenshots.py --collection collections/nova_commits --only-collection
"""
import argparse, sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
from chromium import Chromium, serve

ROOT = Path(__file__).resolve().parent.parent

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--site', default=str(ROOT/'_docs'), help='a built site (default: _docs; none: skip it)')
    p.add_argument('--page', default='loss.html', help='the chapter to show (default: %(default)s)')
    p.add_argument('--scroll', default='Absorbing graph', help='scroll to the heading with this text (default: %(default)s)')
    p.add_argument('--report', default=str(ROOT/'outputs'/'report.html'),
                   help='a written report (default: outputs/report.html; none: skip it)')
    p.add_argument('--section', default='section.model-detail:nth-of-type(3)', help="the report's model section to show (CSS selector)")
    p.add_argument('--out', default=str(ROOT/'nbs'/'images'),
                   help='folder for docs_model.png, report.png, report_panels.png and report_model.png')
    p.add_argument('--collection', help='a collection folder: also collection.png (its gallery), token.png (token 0 denoising) and '
                   'write_another.png (a document written in the page)')
    p.add_argument('--only-collection', action='store_true', help='only the collection screenshots')
    a = p.parse_args()
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    if a.collection: collection_shots(Path(a.collection), out)
    if a.only_collection: return
    if a.site != 'none': site_shot(a, out)
    if a.report != 'none': report_shots(a, out)

def site_shot(a, out:Path):
    "docs_model.png: a chapter of the site, scrolled to a heading."
    with serve(a.site) as base, Chromium(width=1280, height=860) as b:
        b.goto(f'{base}/{a.page}')
        b.wait_for("window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0 && MathJax.Hub.queue.running === 0", timeout=60)
        if a.scroll:
            b.eval(f"(() => {{ const h = Array.from(document.querySelectorAll('h2')).find(h => h.textContent.includes({a.scroll!r})); "
                   "window.scrollTo(0, h.getBoundingClientRect().top + window.scrollY - 70); })()")   # one scroll down: no 'back to top' button
        time.sleep(1.0)                                                      # let the header's title transition finish
        print(b.screenshot(out/'docs_model.png'))

def report_shots(a, out:Path):
    "report.png (the summary table and its flags), report_panels.png (the comparison panels), report_model.png (a section)."
    with Chromium(width=1280, height=900) as b:
        b.goto(Path(a.report).resolve().as_uri())
        print(b.screenshot(out/'report.png'))
        for selector, name in (('.panels', 'report_panels.png'), (a.section, 'report_model.png')):
            b.eval(f"(() => {{ const s = document.querySelector({selector!r}); "
                   "window.scrollTo(0, s.getBoundingClientRect().top + window.scrollY - 10); })()")
            print(b.screenshot(out/name))

def collection_shots(folder:Path, out:Path):
    "The gallery, token 0's page about 40% into its replay (masked dots and written characters side by side), and after "
    "'write another'."
    with Chromium(width=1280, height=720) as b:
        b.goto((folder/'index.html').resolve().as_uri())
        print(b.screenshot(out/'collection.png'))
    with Chromium(width=900, height=420) as b:
        b.goto((folder/'tokens'/'0.html').resolve().as_uri())
        time.sleep(1.2)                                                      # the replay runs 3 s
        print(b.screenshot(out/'token.png'))
        if b.eval("!!document.getElementById('another')"):                 # a block model's page: it writes another
            b.eval("document.getElementById('another').click()")
            b.wait_for("document.body.dataset.wrote === '1'", timeout=120)
            print(b.screenshot(out/'write_another.png'))

if __name__ == '__main__': main()
