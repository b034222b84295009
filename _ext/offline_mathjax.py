"""Sphinx extension: serve MathJax with the site, so equations render without internet.

Sphinx loads MathJax 3 from a CDN by default; a reader who builds the book on a machine without
internet, or opens it from disk offline, would see TeX source instead of equations. This copies
MathJax 3.2.2 from the ``django-static-mathjax`` package (a plain copy of MathJax's release
files, pinned in requirements.txt) into ``_static/mathjax`` and points ``mathjax_path`` at it.
Only the combined ``tex-mml-chtml.js`` component and the folders it loads from (fonts, TeX
extensions, the accessibility menu) are copied, not MathJax's other combined builds.
"""

import shutil
from pathlib import Path

COMPONENT = "tex-mml-chtml.js"


def mathjax_source() -> Path:
    """The folder of MathJax's ``es5`` release files inside the installed package."""
    import mathjax  # the import name of django-static-mathjax

    return Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"


def _use_local_mathjax(app, config):
    config.mathjax_path = f"mathjax/{COMPONENT}"  # relative to _static


def _copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    source, target = mathjax_source(), Path(app.outdir) / "_static" / "mathjax"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    shutil.copy2(source / COMPONENT, target / COMPONENT)
    for folder in (p for p in source.iterdir() if p.is_dir()):
        shutil.copytree(folder, target / folder.name)


def setup(app):
    app.connect("config-inited", _use_local_mathjax)
    app.connect("build-finished", _copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
