"""Write README.md from nbs/index.ipynb without Quarto (which nbdev_readme needs and this machine lacks).

Markdown cells are copied; code cells become ```python blocks; cells marked `#| hide` and nbdev
directive lines are dropped. `--check` exits 1 if README.md is out of date instead of writing it.
"""
import json, sys
from pathlib import Path
root = Path(__file__).resolve().parent.parent
nb = json.loads((root/'nbs'/'index.ipynb').read_text(encoding='utf-8'))
parts = ['<!-- generated from nbs/index.ipynb by .ci/make_readme.py: edit the notebook, not this file -->']
for cell in nb['cells']:
    src = ''.join(cell['source'])
    lines = src.split('\n')
    if any(l.strip() in ('#| hide', '#|hide') for l in lines): continue
    if cell['cell_type'] == 'markdown': parts.append(src.strip())
    elif cell['cell_type'] == 'code':
        code = '\n'.join(l for l in lines if not l.startswith('#|')).strip()
        if code: parts.append(f"```python\n{code}\n```")
text = '\n\n'.join(parts) + '\n'
if '--check' in sys.argv:
    if (root/'README.md').read_text(encoding='utf-8') != text:
        print('README.md is out of date: run `python .ci/make_readme.py` and commit it'); sys.exit(1)
else: (root/'README.md').write_text(text, encoding='utf-8')
