"""Run every notebook in nbs/ as one pytest test, through nbdev's own runner (`nbdev.test.test_nb`).

Cells marked with a flag from settings.ini's `tst_flags` (e.g. `#| slow`) are skipped unless
forced with `--flags slow`; `#| eval: false` cells never run. Failures show the notebook's traceback.
"""
from pathlib import Path
import pytest
from nbdev.config import get_config
from nbdev import test as nbdev_test_mod

NBS = Path(__file__).resolve().parent.parent/'nbs'
NOTEBOOKS = sorted(p for p in NBS.glob('*.ipynb') if not p.name.startswith(('_', '.')))

@pytest.mark.parametrize('nb', NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook(nb, request):
    force = request.config.getoption('--flags').split()
    ok, secs = nbdev_test_mod.test_nb(nb, skip_flags=get_config().tst_flags.split(), force_flags=force, showerr=True)
    assert ok, f"{nb.name} failed (traceback above)"
