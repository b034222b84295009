"""Pay once for running the chapters: nbval's runs become the book build's cached executions.

The README's test command runs every chapter under nbval; its build command executes every chapter
again (``execute_notebooks: cache``). This pytest plugin, loaded by the root ``conftest.py``,
records every kernel message nbval receives while it runs a notebook. When a notebook has run to
the end with every cell passing, the plugin turns those messages into outputs exactly as the
build's executor does (nbclient's own ``process_message``: streams, displays, ``clear_output``,
widget state), and stores the executed notebook in the build's jupyter-cache
(``_build/.jupyter_cache``). The build then finds each chapter there, matched on its code cells
and kernel, and renders the outputs instead of executing the chapter a second time.

Nothing is cached from a notebook with a failed, skipped or interrupted cell, and a chapter whose
code changed after the test run no longer matches its cache entry, so the build executes it
itself. ``GANBOOK_NBVAL_CACHE=0`` turns the plugin off.

Under pytest-xdist (``--dist loadfile``: all of a notebook's cells in one worker, in order) each
worker stores the notebooks it ran, one worker at a time (a lock file beside the cache), and
tells the controller what it stored, which the controller's summary reports.
"""

from __future__ import annotations

import contextlib
import copy
import os
import time
from pathlib import Path

import pytest

CACHE_DIR = Path("_build") / ".jupyter_cache"  # jupyter-book 1.x's default, under the root


def _enabled(config) -> bool:
    if os.environ.get("GANBOOK_NBVAL_CACHE", "1") == "0":
        return False
    return bool(
        getattr(config.option, "nbval", False) or getattr(config.option, "nbval_lax", False)
    )


def pytest_configure(config):
    if not _enabled(config):
        return
    from nbval.plugin import IPyNbCell, IPyNbFile

    config.pluginmanager.register(_Recorder(config, IPyNbFile, IPyNbCell), "ganbook-nbval-cache")


class _Run:
    """What nbval did with one notebook: its messages per code cell, and whether all passed."""

    def __init__(self, nb):
        self.nb = nb
        self.messages: dict[int, list[dict]] = {}  # code cell number -> iopub messages
        self.seconds = 0.0
        self.ok = True


class _ReplayedKernel:
    """Stands in for the kernel client while recorded messages are replayed through nbclient.

    nbclient's Output-widget mimic writes each widget's new state back to the kernel; that run
    is over, so what it sends is dropped (the widget state nbclient keeps is what gets stored).
    """

    class session:  # noqa: N801 - mirrors jupyter_client's attribute names
        @staticmethod
        def msg(msg_type, **kwargs):
            return {"msg_type": msg_type, **kwargs}

    class shell_channel:  # noqa: N801
        @staticmethod
        def send(msg):
            pass


class _Recorder:
    def __init__(self, config, file_cls, cell_cls):
        self.config = config
        self.root = Path(config.rootpath)
        self.runs: dict[str, _Run] = {}
        self.stored: list[str] = []
        self.problems: list[str] = []
        self._wrap(file_cls, cell_cls)

    def _wrap(self, file_cls, cell_cls):
        """Record every iopub message of each cell's execute request."""
        recorder = self
        get_message = file_cls.get_kernel_message
        runtest = cell_cls.runtest

        def recording_get_message(nbfile, timeout=None, stream="iopub"):
            msg = get_message(nbfile, timeout=timeout, stream=stream)
            sink = getattr(nbfile, "_ganbook_sink", None)
            if sink is not None and stream == "iopub":
                sink.append(msg)
            return msg

        def recording_runtest(cell):
            nbfile = cell.parent
            run = recorder.runs.setdefault(str(nbfile.fspath), _Run(nbfile.nb))
            kernel = nbfile.kernel
            execute = kernel.execute_cell_input
            ids, sink = [], []

            def execute_and_note(*args, **kwargs):
                msg_id = execute(*args, **kwargs)
                ids.append(msg_id)
                return msg_id

            kernel.execute_cell_input = execute_and_note
            nbfile._ganbook_sink = sink
            start = time.perf_counter()
            try:
                runtest(cell)
            finally:
                run.seconds += time.perf_counter() - start
                nbfile._ganbook_sink = None
                del kernel.execute_cell_input
                run.messages[cell.cell_num] = [
                    m for m in sink if m["parent_header"].get("msg_id") in ids
                ]

        file_cls.get_kernel_message = recording_get_message
        cell_cls.runtest = recording_runtest

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logreport(self, report):
        if "::Cell " not in report.nodeid:
            return
        path = str(self.root / report.nodeid.split("::", 1)[0])
        if report.failed or report.skipped:
            run = self.runs.setdefault(path, _Run(None))
            run.ok = False

    def pytest_sessionfinish(self, session):
        for path, run in self.runs.items():
            if not run.ok or run.nb is None:
                continue
            try:
                with _locked(self.root / CACHE_DIR.parent / ".jupyter_cache.lock"):
                    self._store(Path(path), run)
            except Exception as exc:  # a cache problem never fails the tests; the build executes
                self.problems.append(f"{Path(path).name}: {type(exc).__name__}: {exc}")
        output = getattr(self.config, "workeroutput", None)  # set in a pytest-xdist worker
        if output is not None:
            output["ganbook_nbval_cache"] = {"stored": self.stored, "problems": self.problems}

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node, error):
        """pytest-xdist's controller: collect what a finished worker stored."""
        report = getattr(node, "workeroutput", {}).get("ganbook_nbval_cache", {})
        self.stored.extend(report.get("stored", []))
        self.problems.extend(report.get("problems", []))

    def _store(self, path: Path, run: _Run):
        from ipykernel.ipkernel import IPythonKernel
        from jupyter_cache import get_cache
        from jupyter_cache.base import CacheBundleIn
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionComplete

        nb = copy.deepcopy(run.nb)
        client = NotebookClient(nb, record_timing=False)  # as the build executes
        client.reset_execution_trackers()
        client.kc = _ReplayedKernel()
        code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        if len(run.messages) != len(code):
            return  # the notebook did not run to its end (a deselected or missing cell)
        for number, (index, cell) in enumerate(code):
            cell.outputs = []
            client.clear_before_next_output = False  # what nbclient does before each cell
            for msg in run.messages[number]:
                try:
                    client.process_message(msg, cell, index)
                except CellExecutionComplete:
                    break
            # nbval executes without storing history, so the kernel numbers nothing; number the
            # cells as one top-to-bottom run of the build's executor does
            cell.execution_count = number + 1
            for output in cell.outputs:
                if output.output_type == "execute_result":
                    output.execution_count = number + 1
        client.set_widgets_metadata()
        nb.metadata["language_info"] = dict(IPythonKernel.language_info)
        cache = get_cache(str(self.root / CACHE_DIR))
        cache.cache_notebook_bundle(
            CacheBundleIn(nb, str(path.resolve()), data={"execution_seconds": run.seconds}),
            check_validity=True,
            overwrite=True,
        )
        self.stored.append(path.name)

    def pytest_terminal_summary(self, terminalreporter):
        if getattr(self.config, "workeroutput", None) is not None:
            return  # a worker: the controller reports
        if self.stored:
            terminalreporter.write_line(
                f"nbval cache: {len(self.stored)} executed notebook(s) stored in {CACHE_DIR} "
                "for the book build"
            )
        for problem in self.problems:
            terminalreporter.write_line(f"nbval cache: not stored: {problem}")


@contextlib.contextmanager
def _locked(path: Path):
    """Hold an exclusive lock on ``path`` (created if need be); on a system without ``fcntl``
    (Windows), no lock: run pytest there without workers."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
