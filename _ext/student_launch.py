"""Sphinx extension: a second Colab link on each chapter page, to the student version.

The theme's launch menu opens the chapter itself in Colab (from ``repository.branch``). Students
need the version without solutions (``scripts/student_version.py``), which the CI workflow
publishes to the branch ``ganbook_student_branch`` (default ``student``) at the same paths; this
adds "Colab (student version)" to the same menu on every page built from a notebook that has a
graded exercise. The URL is built from the same ``repository.url`` as the theme's own link.
``ganbook_student_label`` (text, tooltip) words the link in the edition's language; the Chinese
edition links to the same student notebooks (their text is English).
"""

from __future__ import annotations

import json
from pathlib import Path

LABEL = "Colab (student version)"
TOOLTIP = "Open the student version (exercise stubs and grader cells) in Colab"


def student_colab_url(repository_url: str, colab_url: str, branch: str, path: str) -> str:
    """Colab's address of the notebook ``path`` (relative to the repository) on ``branch``."""
    org, repo = repository_url.rstrip("/").split("github.com/")[-1].split("/")[:2]
    return f"{colab_url.rstrip('/')}/github/{org}/{repo}/blob/{branch}/{path}"


def has_graded_exercise(notebook: Path) -> bool:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return any(c["metadata"].get("ganbook", {}).get("exercise") for c in cells)


def _add_student_link(app, pagename, templatename, context, doctree):
    source = Path(app.env.doc2path(pagename))
    if source.suffix != ".ipynb" or not has_graded_exercise(source):
        return
    options = app.config["html_theme_options"]
    colab = options.get("launch_buttons", {}).get("colab_url")
    repository = options.get("repository_url")
    if not (colab and repository):
        return
    groups = [b for b in context.get("header_buttons", []) if b.get("label") == "launch-buttons"]
    if not groups:
        return
    path = source.relative_to(Path(app.srcdir)).as_posix()
    text, tooltip = app.config.ganbook_student_label or (LABEL, TOOLTIP)
    groups[0]["buttons"].append(
        {
            "type": "link",
            "text": text,
            "tooltip": tooltip,
            "icon": "_static/images/logo_colab.png",
            "url": student_colab_url(repository, colab, app.config.ganbook_student_branch, path),
        }
    )


def setup(app):
    app.add_config_value("ganbook_student_branch", "student", "html")
    app.add_config_value("ganbook_student_label", [], "html")
    # after the theme's add_launch_buttons (priority 501), which creates the menu
    app.connect("html-page-context", _add_student_link, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
