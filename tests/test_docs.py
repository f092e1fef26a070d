"""The documentation site and the model report, opened in headless Chromium as a reader would.

The site is built once for this module (`build_docs`, notebooks executed, into a temporary
folder) and served on 127.0.0.1; the report is written for two tiny models trained here. The
browser tests need Debian's `chromium` (`.ci/run` installs it): without it they are skipped with
that reason, except under CI (`CI` set), where they fail. Screenshots are saved in each test's
temporary folder.
"""
import contextlib, io, json, os, re, subprocess, sys, time
from pathlib import Path
import pytest
from chromium import Chromium, find_chromium, serve

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = [re.sub(r'^\d+[a-zA-Z0-9]*_', '', p.stem.lower()) for p in sorted((ROOT/'nbs').glob('*.ipynb'))
            if not p.name.startswith(('_', '.')) and p.stem != 'index']
REFERENCE = ['config_reference', 'cli_reference', 'results']
MATHJAX_BLANK = 'about:blank'      # MathJax 2 declares a font at about:blank to detect font loading; the browser refuses it
TEX_FONT_PROBE = '/assets/mathjax/fonts/HTML-CSS/TeX/'   # MathJax probes its TeX fonts for a few symbols (\\mathbb) before the STIX ones the package ships

@pytest.fixture(scope='module')
def site(tmp_path_factory):
    "Build this project's site, as `diffgpt_docs` does, into a temporary folder."
    out, stage = tmp_path_factory.mktemp('site'), tmp_path_factory.mktemp('proc')
    code = f"from diffusion_gpt_local.docs import build_docs; build_docs({str(ROOT)!r}, {str(out)!r}, stage={str(stage)!r}, quiet=True)"
    r = subprocess.run([sys.executable, '-c', code], cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0, r.stdout[-5000:] + r.stderr[-5000:]
    return out

@pytest.fixture(scope='module')
def browser():
    if not find_chromium():
        why = 'chromium is not installed (apt-get install chromium; .ci/run installs it)'
        if os.environ.get('CI'): pytest.fail(f'{why}: CI must run the browser tests')
        pytest.skip(why)
    with Chromium(width=1280, height=900) as b: yield b

def open_page(b:Chromium, url:str):
    "Open `url` with a clean event log; wait for MathJax (if the page has it) to finish typesetting."
    b.clear(); b.goto(url)
    b.wait_for("!window.MathJax || (MathJax.Hub && MathJax.Hub.queue.pending === 0 && MathJax.Hub.queue.running === 0 "
               "&& document.querySelectorAll('script[type^=\"math/tex\"]').length === document.querySelectorAll('.MathJax').length)", timeout=60)

def outside(b:Chromium, base:str) -> list[str]:
    "Requests that went anywhere but `base` or a data: URI."
    return [u for u in b.requests if not u.startswith((base, 'data:', MATHJAX_BLANK))]

def js_errors(b:Chromium) -> list[str]:
    "Script errors and failed loads, less MathJax's two harmless font probes."
    return [e for e in b.errors if MATHJAX_BLANK not in e and TEX_FONT_PROBE not in e and e != 'load failed: net::ERR_FAILED']

# --- the site -----------------------------------------------------------------------------

def test_site_files(site):
    "Every chapter, the home page and the references are pages; the search index covers them; nothing refers to the network."
    for page in ['index'] + CHAPTERS + REFERENCE: assert (site/f'{page}.html').is_file(), page
    index = json.loads((site/'search'/'search_index.json').read_text())
    located = {d['location'].split('#')[0] for d in index['docs']}
    assert {f'{p}.html' for p in ['index'] + CHAPTERS + REFERENCE} <= located, located
    assert any('score entropy' in d['text'].lower() for d in index['docs'] if d['location'].startswith('loss.html'))
    for f in site.glob('*.html'):
        remote = re.findall(r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="((?:https?:)?//[^"]+)"', f.read_text())
        assert remote == [], (f.name, remote)
    assert (site/'assets'/'mathjax'/'MathJax.js').is_file() and (site/'assets'/'mathjax'/'LICENSE').is_file()

def test_results_page(site):
    "The results page (nbs/results.md) holds the benchmark tables that left the README; the home page links to it."
    article = lambda page: re.search(r'<article.*?</article>', (site/page).read_text(), re.S)[0]
    results, home = article('results.html'), article('index.html')
    assert '1,251,031' in results and '2.120 ± 0.024' in results, 'moved figures missing'   # GPU throughput, equal budget
    assert len(re.findall(r'<table', results)) >= 7 and '<img' in results       # the tables rendered; the denoising GIF
    assert 'href="block.html"' in results and 'href="distributed.html"' in results   # links to chapters, as pages
    assert 'href="results.html"' in home and 'href="cli_reference.html"' in home    # the README's links, on the site
    assert '1,251,031' not in home                                               # the home page keeps only the summary

def test_model_page(site, browser, tmp_path):
    "The model chapter: formulas typeset (no raw $), API signatures, no traceback; screenshot."
    with serve(site) as base:
        open_page(browser, f'{base}/model.html')
        n_math = browser.eval("document.querySelectorAll('.MathJax').length")
        assert n_math >= 5, n_math
        raw = browser.eval("""(() => { const c = document.querySelector('article').cloneNode(true);
            c.querySelectorAll('pre, code, script, style, .MathJax, .MathJax_Display, .MathJax_Preview, .MJX_Assistive_MathML').forEach(e => e.remove());
            return c.textContent.match(/.{0,30}[$].{0,30}/g) || []; })()""")
        assert raw == [], raw
        sigs = browser.eval("""Array.from(document.querySelectorAll('.jp-RenderedMarkdown h3')).map(h => {
            let e = h.nextElementSibling; while (e && !e.querySelector('pre') && e.tagName !== 'PRE') e = e.nextElementSibling;
            return [h.id, e ? e.textContent : '']; })""")
        ids = [i for i, _ in sigs]
        assert {'ddit', 'dditblock', 'noiseembedding'} <= set(ids), ids
        for i, text in sigs: assert '(' in text, (i, text)
        assert 'DDiT(' in dict(sigs)['ddit'] and 'Exported source' in browser.eval("document.body.innerText")
        outputs = browser.eval("Array.from(document.querySelectorAll('.jp-OutputArea-output')).map(e => e.innerText.trim())")
        assert any(re.fullmatch(r'\d+', o) for o in outputs), outputs            # the worked examples ran: the parameter count
        assert outside(browser, base) == [] and js_errors(browser) == [], (outside(browser, base), js_errors(browser))
        browser.screenshot(tmp_path/'model.png')
        browser.eval("document.querySelector('#ddit').scrollIntoView()")
        browser.screenshot(tmp_path/'model_api.png')
    assert (tmp_path/'model.png').stat().st_size > 20_000

def test_every_page(site, browser):
    "Each page loads without script errors or network requests; no chapter output holds a traceback; formulas are typeset everywhere."
    with serve(site) as base:
        for page in ['index'] + CHAPTERS + REFERENCE:
            open_page(browser, f'{base}/{page}.html')
            assert outside(browser, base) == [] and js_errors(browser) == [], (page, outside(browser, base), js_errors(browser))
            outputs = browser.eval("Array.from(document.querySelectorAll('.jp-OutputArea-output')).map(e => e.innerText)")
            bad = [o[:300] for o in outputs if 'Traceback (most recent call last)' in o or re.search(r'^\w*(Error|Exception): ', o, re.M)]
            assert bad == [], (page, bad)
            left = browser.eval("""(() => { const c = document.querySelector('article').cloneNode(true);
                c.querySelectorAll('pre, code, script, style, .MathJax, .MathJax_Display, .MathJax_Preview, .MJX_Assistive_MathML').forEach(e => e.remove());
                return (c.textContent.match(/[$][^$\\n]{1,80}[$]/g) || []); })()""")
            assert left == [], (page, left)
            if page in CHAPTERS: assert len(outputs) > 0, page                # at least the API entries

def test_navigation_and_search(site, browser):
    "The sidebar lists home, the chapters in notebook order, then the references; search finds the loss chapter."
    with serve(site) as base:
        open_page(browser, f'{base}/index.html')
        hrefs = browser.eval("Array.from(document.querySelectorAll('nav.md-nav--primary a.md-nav__link')).map(a => a.getAttribute('href'))")
        pages = [h.removesuffix('.html') for h in hrefs if h.endswith('.html')]
        pages = [p for i, p in enumerate(pages) if p not in pages[:i]]
        assert pages == ['index'] + CHAPTERS + REFERENCE, pages
        browser.eval("(() => { const i = document.querySelector('input.md-search__input'); i.focus(); i.value = 'score entropy'; "
                     "i.dispatchEvent(new Event('focus')); i.dispatchEvent(new Event('input', {bubbles: true})); "
                     "i.dispatchEvent(new KeyboardEvent('keyup', {key: 'y', bubbles: true})); })()")
        hits = browser.wait_for("(() => { const a = Array.from(document.querySelectorAll('.md-search-result__item a')).map(a => a.getAttribute('href')); "
                                "return a.length ? a : null; })()", timeout=30)
        assert any(h.split('?')[0].endswith('/loss.html') for h in hits), hits

def test_reference_pages(site, browser):
    "The configuration reference has a row for every key; the CLI reference a section for every tool."
    from diffusion_gpt_local.docs import config_sections, CLI_TOOLS
    with serve(site) as base:
        open_page(browser, f'{base}/config_reference.html')
        keys = browser.eval("Array.from(document.querySelectorAll('article table tbody tr td:first-child code')).map(c => c.textContent)")
        expected = [f'{n}.{f.name}' if n else f.name for n, _, fs in config_sections() for f, _ in fs]
        assert [k for k in keys if k in expected] == expected, keys
        open_page(browser, f'{base}/cli_reference.html')
        tools = browser.eval("Array.from(document.querySelectorAll('article h2')).map(h => h.textContent.replace('¶', '').trim())")
        assert tools == [n for n, _ in CLI_TOOLS], tools

# --- the report -----------------------------------------------------------------------------

def test_report(browser, tmp_path, monkeypatch):
    "Two tiny models, samples for both, the report opened from disk: one row per model, every image loads, nothing fetched."
    from diffusion_gpt_local.cli import train_main, generate_main
    from diffusion_gpt_local.report import report_main
    monkeypatch.chdir(tmp_path)
    (tmp_path/'datasets').mkdir()
    (tmp_path/'datasets'/'commits.txt').write_text('\n'.join(["Fix typo in driver", "Add scheduler tests", "Remove old option"] * 40) + '\n')
    (tmp_path/'datasets'/'reviews.txt').write_text('\n'.join(["I bought this kettle for my mother and she loves it, it boils fast.",
                                                             "Honestly the battery life is not what the box promises, but fine."] * 40) + '\n')
    (tmp_path/'config.yaml').write_text('defaults:\n  seed: 0\n  model: {n_layer: 1, n_head: 2, n_embd: 16, block_size: 64, cond_dim: 8}\n'
                                        '  train: {batch_size: 8, max_iters: 20, eval_interval: 10, eval_iters: 1, eval_windows: 4}\n'
                                        '  sample: {steps: 8, batch_size: 8}\n')
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert train_main(['--all', '--quiet']) == 0
        assert generate_main(['--all', '--samples', '5', '--quiet']) == 0
        assert report_main(['--quiet']) == 0
    report = tmp_path/'outputs'/'report.html'
    url = report.as_uri()
    browser.clear(); browser.goto(url)
    assert browser.eval("document.querySelectorAll('table.summary tbody tr.model').length") == 2
    assert browser.eval("Array.from(document.querySelectorAll('tr.model td:first-child')).map(td => td.textContent)") == ['commits', 'reviews']
    imgs = browser.eval("Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight])")
    assert len(imgs) == 10 and all(c and w > 100 and h > 100 for c, w, h in imgs), imgs   # 6 panels, 2 curves, 2 lengths
    panels = browser.eval("Array.from(document.querySelectorAll('section.model-detail img.lengths'))"
                          ".map(i => [i.closest('section').id, i.complete, i.naturalWidth, i.naturalHeight])")
    assert [p[0] for p in panels] == ['m-commits', 'm-reviews'], panels        # one length panel per model, loaded
    assert all(c and w > 300 and h > 200 for _, c, w, h in panels), panels
    assert browser.eval("document.querySelectorAll('section.model-detail table.lengths tbody tr').length") == 10
    heads = browser.eval("Array.from(document.querySelectorAll('table.summary thead th')).map(th => th.innerText.replace(/\\s+/g, ' ').replace(/ [↕▲▼]$/, ''))")
    assert heads[-3:] == ['mean length', 'median length', 'longer than one window'], heads   # under 'length, samples / corpus'
    assert 'length, samples / corpus' in heads, heads
    assert browser.eval("document.querySelectorAll('section.model-detail ol.examples li').length") == 10
    mine = browser.requests_from(url)      # a page opened before may still fetch its favicon: not the report's doing
    assert url in mine, browser.requests
    assert [u for u in mine if u != url and not u.startswith('data:')] == [] and browser.errors == [], (mine, browser.errors)
    browser.screenshot(tmp_path/'report.png')
    assert (tmp_path/'report.png').stat().st_size > 20_000


SHAPES_CONFIG = ('defaults:\n  seed: 0\n  data: {val_fraction: 0.2}\n'
                 '  model: {n_layer: 1, n_head: 2, n_embd: 16, block_size: 64, cond_dim: 8}\n'
                 '  train: {batch_size: 8, max_iters: 20, eval_interval: 10, eval_iters: 1, eval_windows: 4}\n'
                 '  sample: {steps: 8, batch_size: 8}\n')

def corpora_of_many_shapes(rng) -> dict:
    "Fifteen small corpora of different shapes: short and long documents, few documents, tiny and huge alphabets, one to copy."
    words = ("the of and to in is it that for was on are with as his they be at one have this from or had by word but what "
             "some we can out other were all there when up use your how said each she which do their time if will way").split()
    sent = lambda n: ' '.join(rng.choice(words) for _ in range(n)).capitalize() + '.'
    subjects = ["Fix typo in driver", "Add scheduler tests", "Remove old option", "Bump API version", "Fix resize race"]
    return {
        'commits': [rng.choice(subjects) for _ in range(200)],
        'reviews': [sent(rng.randint(12, 25)) for _ in range(200)],
        'verses': [f"{rng.randint(1, 30)}:{rng.randint(1, 40)} " + sent(rng.randint(8, 20)) for _ in range(200)],
        'long_documents': [' '.join(sent(rng.randint(8, 20)) for _ in range(rng.randint(15, 30))) for _ in range(60)],
        'few_documents': [sent(rng.randint(6, 12)) for _ in range(12)],                      # 2 held out: `heldout`
        'dna': [''.join(rng.choice('ACGT') for _ in range(rng.randint(30, 60))) for _ in range(200)],
        'digits': [' '.join(str(rng.randint(0, 999)) for _ in range(rng.randint(3, 10))) for _ in range(200)],
        'noise': [''.join(chr(0x4e00 + rng.randrange(600)) for _ in range(rng.randint(20, 40))) for _ in range(200)],  # `bpc`
        'copier': [''.join(rng.choice('abcdefghij') for _ in range(rng.randint(40, 80))) for _ in range(200)],  # no phrase repeats
        'a_model_with_a_rather_long_name_2024': [sent(rng.randint(5, 10)) for _ in range(200)],
        'haiku': [' / '.join(sent(rng.randint(2, 4)) for _ in range(3)) for _ in range(200)],
        'csv_rows': [f"{i},{rng.choice(words)},{rng.randint(1, 99)}" for i in range(200)],
        'urls': [f"https://{rng.choice(words)}.example.org/{rng.choice(words)}/{rng.randint(1, 999)}" for _ in range(200)],
        'recipes': [f"Mix {rng.randint(1, 9)} cups of {rng.choice(words)} with {rng.choice(words)}; bake {rng.randint(10, 60)} min."
                    for _ in range(200)],
        'questions': ['How do I ' + sent(rng.randint(3, 8))[:-1].lower() + '?' for _ in range(200)]}

def test_report_many_models(browser, tmp_path, monkeypatch):
    "Fifteen tiny models of different shapes: the report fits 1,280 px, every image loads, the table sorts, each flag shows where built."
    import random
    from diffusion_gpt_local.cli import train_main, generate_main
    from diffusion_gpt_local.report import report_main
    monkeypatch.chdir(tmp_path)
    (tmp_path/'datasets').mkdir()
    shapes = corpora_of_many_shapes(random.Random(0))
    for name, docs in shapes.items(): (tmp_path/'datasets'/f'{name}.txt').write_text('\n'.join(docs) + '\n')
    (tmp_path/'config.yaml').write_text(SHAPES_CONFIG)
    outs = {}
    for key, fn, argv in (('train', train_main, ['--all']), ('generate', generate_main, ['--all', '--samples', '5', '--max-copy', '0']),
                          ('copier', generate_main, ['--model', 'models/copier.pt', '--samples', '5', '--max-copy', '0',
                                                     '--prefix', shapes['copier'][0][:24], '--quiet']),   # 24 of its chars: copies
                          ('report', report_main, ['--quiet'])):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err): assert fn(argv) == 0, (key, err.getvalue()[-2000:])
        outs[key] = (out.getvalue(), err.getvalue())
    table_flags = lambda text: {l.split()[0].removeprefix('models/').removesuffix('.pt'): l for l in text.splitlines()[1:]}
    train_rows, gen_rows = table_flags(outs['train'][0]), table_flags(outs['generate'][0])
    assert 'few_documents: warning: only 2 of 12 documents (16.7%) are held out' in outs['train'][1]   # said at training time
    assert ' heldout ' in train_rows['few_documents'] and ' bpc ' in train_rows['noise'], outs['train'][0]
    assert ' heldout ' not in train_rows['reviews'] and ' bpc ' not in train_rows['reviews'], outs['train'][0]
    assert outs['train'][0].splitlines()[-1].startswith('flags: heldout = fewer than 20 documents held out; bpc = ')
    assert 'short' in gen_rows['long_documents'] and outs['generate'][0].splitlines()[-1].startswith('flags: ')
    assert ' copies ' in outs['copier'][0].splitlines()[1], outs['copier'][0]            # the copier's own table
    url = (tmp_path/'outputs'/'report.html').as_uri()
    browser.clear(); browser.goto(url)
    names = browser.eval("Array.from(document.querySelectorAll('tr.model td:first-child')).map(td => td.textContent)")
    assert names == sorted(shapes), names
    # the page fits a 1,280-pixel window: nothing wider than the window, every table and image inside its card
    assert browser.eval("window.innerWidth") == 1280
    assert browser.eval("document.documentElement.scrollWidth") <= 1280
    over = browser.eval("""Array.from(document.querySelectorAll('.card table, .card img')).filter(e => {
        const card = e.closest('.card'), r = e.getBoundingClientRect(), c = card.getBoundingClientRect();
        return r.left < c.left - 0.5 || r.right > c.right + 0.5 || card.scrollWidth > card.clientWidth;
      }).map(e => [e.tagName, e.className, e.closest('.card').id || e.closest('.card').className])""")
    assert over == [], over
    imgs = browser.eval("Array.from(document.images).map(i => [i.className, i.complete, i.naturalWidth, i.naturalHeight])")
    assert len(imgs) == 6 + 15 + 15 and all(c and w > 100 and h > 100 for _, c, w, h in imgs), imgs   # panels, curves, lengths
    # sorting: a header click sorts by it, ascending then descending, numbers as numbers, ties in their order, an arrow
    click = lambda text: browser.eval(f"""(() => {{ const th = Array.from(document.querySelectorAll('table.summary th[data-col]'))
        .find(t => t.innerText.replace(/\\s+/g, ' ').startsWith({text!r})); th.click();
        return getComputedStyle(th, '::after').content; }})()""")
    column = lambda i: browser.eval(f"Array.from(document.querySelectorAll('tr.model')).map(r => r.cells[{i}].dataset.sort)")
    assert '▲' in click('held-out bits/char')
    bpc = [float(v) for v in column(4)]
    assert bpc == sorted(bpc) and len(bpc) == 15, bpc
    assert '▼' in click('held-out bits/char') and [float(v) for v in column(4)] == sorted(bpc, reverse=True)
    click('documents')
    docs = [int(v) for v in column(1)]
    assert docs == sorted(docs) and docs[0] == 12 and docs[1] == 60, docs     # numeric: 12 < 60 < 200, not '12' < '200' < '60'
    before = column(0)
    click('steps')                                                            # all 20: a stable sort keeps the order
    assert column(0) == before
    click('model'); assert column(0) == sorted(shapes)
    assert browser.eval("document.querySelectorAll('table.summary th[aria-sort]').length") == 1
    # each flag shows on the model built to trip it, in the table and in the model's section
    flags = browser.eval("""Object.fromEntries(Array.from(document.querySelectorAll('tr.model')).map(r =>
        [r.cells[0].textContent, Array.from(r.querySelectorAll('a.flag')).map(a => a.textContent)]))""")
    sections = browser.eval("""Object.fromEntries(Array.from(document.querySelectorAll('div.flags')).map(d =>
        [d.id.slice(2, -6), Array.from(d.querySelectorAll('li .flag')).map(s => s.textContent)]))""")
    assert flags == sections, (flags, sections)
    assert 'heldout' in flags['few_documents'] and 'bpc' in flags['noise'] and 'copies' in flags['copier'], flags
    assert 'short' in flags['long_documents'] and 'words' in flags['reviews'], flags
    assert [n for n, f in flags.items() if 'bpc' in f] == ['noise'] and 'heldout' not in flags['reviews'], flags
    why = browser.eval("document.querySelector('#m-copier-flags li').innerText")
    assert 'threshold: more than 20% of samples' in why and 'why: ' in why and 'what to do: ' in why, why
    browser.eval("document.querySelector('a.flag[href=\"#m-copier-flags\"]').click()")      # a badge leads to its section
    assert browser.eval("location.hash") == '#m-copier-flags'
    mine = browser.requests_from(url)
    assert [u for u in mine if u != url and not u.startswith('data:')] == [] and browser.errors == [], (mine, browser.errors)
    browser.eval("window.scrollTo(0, 0)"); browser.screenshot(tmp_path/'report_many.png')
    assert (tmp_path/'report_many.png').stat().st_size > 20_000

def _collection(tmp_path, monkeypatch, block:int=0, collect_args=()):
    "A tiny commit model (the whole window, or blocks of `block`), 6 samples and their collection in `tmp_path`; the collection folder."
    from diffusion_gpt_local.cli import train_main, generate_main
    from diffusion_gpt_local.collect import collect_main
    monkeypatch.chdir(tmp_path)
    (tmp_path/'datasets').mkdir()
    (tmp_path/'datasets'/'commits.txt').write_text('\n'.join(["Fix typo in driver", "Add scheduler tests", "Remove old option",
                                                             "Update docs for the parser and the lexer"] * 30) + '\n')
    (tmp_path/'config.yaml').write_text('defaults:\n  seed: 0\n  model: {n_layer: 1, n_head: 2, n_embd: 16, block_size: 64, cond_dim: 8}\n'
                                        '  train: {batch_size: 8, max_iters: 20, eval_interval: 10, eval_iters: 1, eval_windows: 4}\n'
                                        '  sample: {steps: 32, batch_size: 8}\n' + f'  diffusion: {{block: {block}}}\n')
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert train_main(['--dataset', 'commits', '--quiet']) == 0
        assert generate_main(['--model', 'models/commits.pt', '--samples', '6', '--quiet']) == 0
        assert collect_main(['--model', 'models/commits.pt', '--quiet', *collect_args]) == 0
    return tmp_path/'collections'/'commits'

def test_collection(browser, tmp_path, monkeypatch):
    "A collection opened from disk: the gallery loads every card and nothing else; a token page replays its denoising offline."
    coll = _collection(tmp_path, monkeypatch)
    texts = (tmp_path/'outputs'/'commits_samples.txt').read_text().splitlines()
    url = (coll/'index.html').as_uri()
    browser.clear(); browser.goto(url)
    imgs = browser.eval("Array.from(document.images).map(i => [i.getAttribute('src'), i.complete, i.naturalWidth, i.naturalHeight])")
    assert [i[0] for i in imgs] == [f'images/{k}.svg' for k in range(6)], imgs
    assert all(c and w == 600 and h == 600 for _, c, w, h in imgs), imgs        # every card loaded (a broken SVG has no size)
    assert browser.eval("Array.from(document.querySelectorAll('a.t')).map(a => a.getAttribute('href'))") == [f'tokens/{k}.html' for k in range(6)]
    mine = browser.requests_from(url)
    assert all(u.startswith(coll.as_uri() + '/') for u in mine) and len(mine) == 7 and browser.errors == [], (mine, browser.errors)
    browser.screenshot(tmp_path/'gallery.png')
    page = (coll/'tokens'/'0.html').as_uri()
    browser.clear(); browser.goto(page)
    seen, t0 = [browser.eval("document.getElementById('text').textContent")], time.time()
    while not browser.eval("document.body.dataset.done === '1'"):
        seen.append(browser.eval("document.getElementById('text').textContent"))
        assert time.time() - t0 < 10, seen[-3:]                                 # it ends (about 3 s)
        time.sleep(0.05)
    final = browser.eval("document.getElementById('text').textContent")
    assert final == texts[0], (final, texts[0])                                 # ends as the document
    assert '\u00b7' in seen[0] and len(set(seen)) >= 3, seen                     # starts masked, changes over time
    assert browser.requests_from(page) == [page] and browser.errors == [], (browser.requests_from(page), browser.errors)
    browser.screenshot(tmp_path/'token.png')

@pytest.mark.parametrize('weights', ['float32', 'int8'])
def test_write_another(browser, tmp_path, monkeypatch, weights):
    "A token page of a block model writes a new document in the page with the model (onnxruntime-web), from file://, offline."
    coll = _collection(tmp_path, monkeypatch, block=2, collect_args=['--int8'] if weights == 'int8' else [])
    spec = json.loads((coll/'model'/'model.json').read_text())
    assert spec['weights'] == weights, spec
    page = (coll/'tokens'/'1.html').as_uri()
    browser.clear(); t0 = time.time(); browser.goto(page)
    browser.wait_for("document.body.dataset.done === '1'", timeout=10)          # the replay ends first
    replayed = browser.eval("document.getElementById('text').textContent")
    browser.eval("window.seen = []; new MutationObserver(() => seen.push(document.getElementById('text').textContent))"
                 ".observe(document.getElementById('text'), {childList: true, subtree: true, characterData: true})")
    t0 = time.time(); browser.eval("document.getElementById('another').click()")
    while browser.eval("document.body.dataset.wrote") != '1':
        assert time.time() - t0 < 10, (browser.eval("document.getElementById('status').textContent"), browser.errors)
        time.sleep(0.02)
    seen = browser.eval("window.seen")
    seconds, doc = time.time() - t0, browser.eval("document.getElementById('text').textContent")
    status = browser.eval("document.getElementById('status').textContent")
    assert doc and doc == doc.strip() and set(doc) <= set(spec['chars']) - {'\n'} and len(doc) <= spec['max_chars'], doc
    assert any(t.endswith('\u00b7\u00b7') for t in seen) and doc != replayed, (seen, doc)   # it assembled; another one
    assert status.startswith('written in') and '(seed 1)' in status, status          # token 1, first click: seed 1
    mine = browser.requests_from(page)
    assert all(u.startswith((coll.as_uri() + '/', 'blob:')) for u in mine) and browser.errors == [], (mine, browser.errors)
    browser.eval("document.getElementById('another').click()")                     # again: the next seed, another draw
    browser.wait_for("document.body.dataset.wrote === '2'", timeout=10)
    assert '(seed ' in browser.eval("document.getElementById('status').textContent") and browser.errors == [], browser.errors
    browser.screenshot(tmp_path/'write_another.png')
    print(f"wrote {doc!r} in {seconds:.1f} s ({status})")
