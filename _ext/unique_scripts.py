"""Sphinx extension: emit each script of a page once.

With Sphinx 7.4, sphinx-thebe and sphinx-togglebutton register their inline configuration
scripts (``const THEBE_JS_URL = ...``; ``var togglebuttonSelector = ...``) both with the
application and with the already-created HTML builder, so every page carried them twice, and the
second ``const`` declaration raised "Identifier 'THEBE_JS_URL' has already been declared" in the
browser (found by ``scripts/check_site.py browser``). This drops exact repeats, keeping the first.
"""


def _unique_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = (
            str(getattr(script, "filename", script) or ""),  # None and "" both mean inline
            tuple(sorted(getattr(script, "attributes", {}).items())),
        )
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app):
    app.connect("html-page-context", _unique_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
