"""nbval's runs stored as the book build's cached executions (_ext/nbval_cache.py)."""

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow

CELLS = [
    "print('one'); print('two')",
    "import sys; print('to stderr', file=sys.stderr)",
    "from IPython.display import display, clear_output\n"
    "display('before'); clear_output(wait=True); display({'a': 1}, raw=False)",
    "import ipywidgets as w\nout = w.Output()\nwith out:\n    print('inside the widget')\n"
    "w.VBox([w.IntSlider(value=3), out])",
    "6 * 7",
]


def notebook(cells):
    nb = new_notebook(cells=[new_markdown_cell("# A page")] + [new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


# What jupyter_client raises when a kernel process exits while it starts. Under load (the
# nested run's kernels start while the outer run's two workers execute notebooks) one did, once
# in four fresh-clone CIs; it is not the plugin's doing, so such a run is repeated from scratch.
KERNEL_DIED = "Kernel died before replying to kernel_info"


def run_pytest(project, switch="1", *options, attempts=3):
    """pytest with nbval in ``project``; a run in which a kernel died at start-up is repeated
    (at most ``attempts`` runs) after removing what it stored."""
    env = {**os.environ, "GANBOOK_NBVAL_CACHE": switch}
    for _ in range(attempts):
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-q"]
            + [*options, "."],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if KERNEL_DIED not in result.stdout + result.stderr:
            break
        shutil.rmtree(project / "_build", ignore_errors=True)
    return result


def outputs(nb):
    """What the build renders: each code cell's outputs (widget ids are random) and the widgets."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            cells.append(
                [
                    {k: v for k, v in o.items() if k != "data"}
                    | {"data": {m: d for m, d in o.get("data", {}).items() if "widget" not in m}}
                    for o in cell.outputs
                ]
            )
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    models = sorted(
        (
            s["model_name"],
            s["state"].get("value"),
            json.dumps(s["state"].get("outputs"), sort_keys=True),
        )
        for s in state.get("state", {}).values()
    )
    return cells, models


@pytest.fixture
def project(tmp_path):
    shutil.copy(ROOT / "_ext" / "nbval_cache.py", tmp_path / "nbval_cache.py")
    (tmp_path / "conftest.py").write_text('pytest_plugins = ("nbval_cache",)\n')
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    return tmp_path


def test_a_passing_notebook_is_cached_as_nbclient_would_execute_it(project):
    from jupyter_cache import get_cache
    from nbclient import NotebookClient

    good, bad = notebook(CELLS), notebook(["x = 1", "assert x == 2, 'wrong'", "print(x)"])
    nbformat.write(good, project / "good.ipynb")
    nbformat.write(bad, project / "bad.ipynb")
    result = run_pytest(project)
    assert "1 failed" in result.stdout, result.stdout + result.stderr
    assert "nbval cache: 1 executed notebook(s) stored" in result.stdout, result.stdout

    cache = get_cache(str(project / "_build" / ".jupyter_cache"))
    assert [Path(r.uri).name for r in cache.list_cache_records()] == ["good.ipynb"]
    with pytest.raises(KeyError):  # the notebook with a failing cell was not stored
        cache.match_cache_notebook(nbformat.read(project / "bad.ipynb", as_version=4))

    _, cached = cache.merge_match_into_notebook(nbformat.read(project / "good.ipynb", 4))
    executed = copy.deepcopy(good)
    NotebookClient(
        executed, record_timing=False, resources={"metadata": {"path": project}}
    ).execute()
    assert [c.execution_count for c in cached.cells if c.cell_type == "code"] == [1, 2, 3, 4, 5]
    assert outputs(cached) == outputs(executed)
    cells, models = outputs(cached)
    assert [o.get("text") for o in cells[0]] == ["one\ntwo\n"]
    assert cells[2][0]["data"] == {"text/plain": "{'a': 1}"}  # 'before' was cleared
    assert ("IntSliderModel", 3, "null") in models
    assert any(m[0] == "OutputModel" and "inside the widget" in m[2] for m in models)

    changed = nbformat.read(project / "good.ipynb", 4)
    changed.cells[-1].source = "6 * 8"
    with pytest.raises(KeyError):  # changed code no longer matches: the build executes it
        cache.match_cache_notebook(changed)


def test_workers_store_their_notebooks_and_the_controller_reports_them(project):
    """The README's test command runs two pytest-xdist workers, each notebook in one of them."""
    from jupyter_cache import get_cache

    for name in ("one", "two", "three"):
        nbformat.write(notebook([f"name = {name!r}", "print(name)"]), project / f"{name}.ipynb")
    nbformat.write(notebook(["assert False, 'wrong'"]), project / "bad.ipynb")
    result = run_pytest(project, "1", "-n", "2", "--dist", "loadfile")
    assert "1 failed, 6 passed" in result.stdout, result.stdout + result.stderr
    assert "nbval cache: 3 executed notebook(s) stored" in result.stdout, result.stdout
    assert "not stored" not in result.stdout
    cache = get_cache(str(project / "_build" / ".jupyter_cache"))
    stored = sorted(Path(r.uri).name for r in cache.list_cache_records())
    assert stored == ["one.ipynb", "three.ipynb", "two.ipynb"]
    for name in ("one", "two", "three"):
        _, cached = cache.merge_match_into_notebook(nbformat.read(project / f"{name}.ipynb", 4))
        assert cached.cells[2].outputs[0]["text"] == f"{name}\n"


def test_the_plugin_can_be_turned_off(project):
    nbformat.write(notebook(["1 + 1"]), project / "one.ipynb")
    result = run_pytest(project, switch="0")
    assert "1 passed" in result.stdout, result.stdout
    assert "nbval cache" not in result.stdout
    assert not (project / "_build").exists()
