"""Sphinx extension: a link on every page to the same page in the book's other language.

The English site is ``_build/html/`` and the Chinese one ``_build/html/zh/`` (built by
``scripts/translate.py build`` from the same page names), so the same page of the other edition
is always ``<root of this site><prefix><pagename>.html``: ``prefix`` is ``zh/`` from English and
``../`` from Chinese. ``ganbook_other_edition`` (a dict: ``label``, ``prefix``, ``tooltip``) sets
it; with none set, no link is added. The link is a button in the page's header, before the
theme's own, and opens in the same tab (the theme's link buttons open a new one).
"""

from __future__ import annotations

LABEL = "other-edition"


def other_edition_url(pagename: str, prefix: str) -> str:
    """The relative URL, from page ``pagename``, of the same page in the other edition."""
    return "../" * pagename.count("/") + prefix + pagename + ".html"


def _add_language_link(app, pagename, templatename, context, doctree):
    edition = app.config.ganbook_other_edition
    if not edition or "header_buttons" not in context:
        return
    context["header_buttons"].insert(
        0,
        {
            "type": "link",
            "url": other_edition_url(pagename, edition["prefix"]),
            "text": edition["label"],
            "tooltip": edition.get("tooltip", ""),
            "icon": "fas fa-language",
            "label": LABEL,
        },
    )


# the theme renders every link button with target="_blank"; a language switch stays in the tab
SAME_TAB = (
    "document.addEventListener('DOMContentLoaded', () => document"
    f".querySelectorAll('a.btn-{LABEL}').forEach((a) => a.removeAttribute('target')));"
)


def setup(app):
    app.add_config_value("ganbook_other_edition", {}, "html")
    # after the theme's prep_header_buttons (priority 500), which empties the list
    app.connect("html-page-context", _add_language_link, priority=550)
    app.add_js_file(None, body=SAME_TAB)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
