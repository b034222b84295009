"""Check the built book (`_build/html`, and its Chinese edition `_build/html/zh`) the way a
reader meets it.

    python scripts/check_site.py links    # every internal link and #anchor resolves (no network)
    python scripts/check_site.py browser  # headless Chromium opens every page (see below)

The browser check serves the site on 127.0.0.1, opens every page in headless Chromium and fails
if a page has a JavaScript error from the book's own assets, an image that did not load, a chapter
without its Colab link to ``.../blob/<branch>/book/<chapter>.ipynb``, an equation page without
math markup, or an output cell showing a traceback (cells tagged ``raises-exception`` excepted),
a page whose language link does not lead to the same page of the other edition, and a page with
Chinese text that renders as empty boxes: it draws two different Chinese characters in the
page's own font and fails if their pictures are blank or identical (the same "no glyph" box).
Both editions' pages are checked, English first, and each edition's search is asked for a word
(the Chinese one for a Chinese word) and must list a page. It saves a screenshot of every page to
``_build/screenshots/`` and prints one line per page.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
# each edition's folder in the site; the Chinese one is built by scripts/translate.py build
EDITIONS = {"en": "", "zh": "zh/"}


def book_pages() -> list[Path]:
    """The HTML pages the table of contents promises, in reading order, in each edition."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part["chapters"]]
    files += [c["file"] for c in toc.get("chapters", [])]
    return [HTML / f"{prefix}{name}.html" for prefix in EDITIONS.values() for name in files]


def other_edition(rel: str) -> str:
    """The same page in the other edition: ``book/x.html`` <-> ``zh/book/x.html``."""
    zh = EDITIONS["zh"]
    return rel.removeprefix(zh) if rel.startswith(zh) else zh + rel


def check_links() -> list[str]:
    problems, ids = [], {}
    pages = sorted(HTML.rglob("*.html"))

    def anchors(path: Path) -> set[str]:
        if path not in ids:
            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            ids[path] = {tag["id"] for tag in soup.find_all(id=True)}
            ids[path] |= {tag["name"] for tag in soup.find_all("a", attrs={"name": True})}
        return ids[path]

    for page in pages:
        if "_static" in page.parts or "_sources" in page.parts:
            continue
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for a in soup.find_all("a", href=True):
            href = a["href"]
            if urlparse(href).scheme or href.startswith(("mailto:", "//", "javascript:")):
                continue
            path, fragment = urldefrag(href)
            target = (page.parent / unquote(path)).resolve() if path else page
            if target.is_dir():
                target = target / "index.html"
            name = page.relative_to(HTML)
            if not target.exists():
                problems.append(f"{name}: broken link {href}")
            elif fragment and target.suffix == ".html" and fragment not in anchors(target):
                problems.append(f"{name}: missing anchor {href}")
    for page in book_pages():
        if not page.exists():
            problems.append(f"page in _toc.yml was not built: {page.relative_to(HTML)}")
    return problems


def _serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def _driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    binary = shutil.which("chromium") or shutil.which("google-chrome") or shutil.which("chrome")
    if binary:
        options.binary_location = binary
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1600",
        "--disable-dev-shm-usage",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver_path = shutil.which("chromedriver")
    service = Service(driver_path) if driver_path else Service()
    return webdriver.Chrome(options=options, service=service)


PAGE_SCRIPT = """
const own = (src) => src.startsWith(location.origin);
const imgs = [...document.images].filter(i => own(i.src));
const bad = imgs.filter(i => !(i.complete && i.naturalWidth > 0 && i.naturalHeight > 0))
                .map(i => i.src);
const math = document.querySelectorAll('.math, mjx-container, .MathJax').length;
// equations MathJax has typeset (the browser has no internet: this is the local copy at work)
const rendered = document.querySelectorAll('mjx-container').length;
// an error output (myst-nb renders it as .output.traceback) or a printed Python traceback;
// a cell that prints an exception's one-line message on purpose is not a traceback
const tracebacks = [...document.querySelectorAll('.cell')]
  .filter(c => !c.classList.contains('tag_raises-exception'))
  .filter(c => c.querySelector('.cell_output .traceback')
      || /Traceback \\(most recent call last\\)/.test(
        [...c.querySelectorAll('.cell_output')].map(o => o.innerText).join('\\n')))
  .length;
const colab = [...document.querySelectorAll('a[href*="colab.research.google.com"]')]
  .map(a => a.href);
const other = document.querySelector('a.btn-other-edition');
// Chinese text in the page's own font: two different characters drawn on a canvas must leave
// ink and differ (a missing font draws the same empty box for both)
const body = document.querySelector('article') || document.body;
const family = getComputedStyle(body).fontFamily;
const draw = (ch) => {
  const c = document.createElement('canvas'); c.width = 48; c.height = 48;
  const g = c.getContext('2d'); g.font = `32px ${family}`; g.fillText(ch, 4, 38);
  const px = g.getImageData(0, 0, 48, 48).data;
  let ink = 0; for (let i = 3; i < px.length; i += 4) { if (px[i] > 0) ink++; }
  return {url: c.toDataURL(), ink: ink};
};
const a = draw('\u4e2d'), b = draw('\u6587');
return {images: imgs.length, bad_images: bad, math: math, rendered: rendered,
        tracebacks: tracebacks, colab: colab, other: other ? other.href : null,
        chinese: /[\u4e00-\u9fff]/.test(body.innerText),
        cjk_glyphs: a.ink > 0 && b.ink > 0 && a.url !== b.url};
"""


# Wait until MathJax has typeset the page (or is absent): its promise settles either way.
MATHJAX_DONE = """
const done = arguments[arguments.length - 1];
const ready = window.MathJax && MathJax.startup && MathJax.startup.promise;
if (ready) { ready.then(() => done(true), () => done(false)); } else { done(false); }
"""


# A word each edition's search must find (the Chinese one only through jieba's word index).
SEARCHES = {EDITIONS["en"]: "discriminator", EDITIONS["zh"]: "模式崩溃"}

SEARCH_RESULTS = """
return [...document.querySelectorAll('#search-results ul.search li a')]
  .map(a => a.getAttribute('href'));
"""


def _search(driver, url: str, word: str) -> list[str]:
    """The pages the site's own search lists for ``word`` (it runs in the page's JavaScript)."""
    import time
    from urllib.parse import quote

    driver.get(f"{url}?q={quote(word)}")
    for _ in range(100):  # the index loads and the results fill in, within 10 s
        hits = driver.execute_script(SEARCH_RESULTS)
        if hits:
            return hits
        time.sleep(0.1)
    return []


def check_browser(math_pages: set[str]) -> list[str]:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]["url"].rstrip("/").removeprefix("https://github.com/")
    branch = config["repository"]["branch"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    server, base = _serve(HTML)
    driver = _driver()
    driver.set_script_timeout(30)
    problems = []
    try:
        for page in book_pages():
            rel = page.relative_to(HTML).as_posix()
            driver.get(f"{base}/{rel}")
            driver.execute_script("return document.readyState")
            driver.execute_async_script(MATHJAX_DONE)
            info = driver.execute_script(PAGE_SCRIPT)
            errors = [
                e
                for e in driver.get_log("browser")
                if e["level"] == "SEVERE" and base in e.get("message", "")
            ]
            shot = SHOTS / (rel.replace("/", "_").removesuffix(".html") + ".png")
            driver.save_screenshot(str(shot))
            source = ROOT / rel.replace(".html", ".ipynb")  # zh/book/x.ipynb for Chinese
            expected = (
                f"https://colab.research.google.com/github/{repo}/blob/{branch}/"
                f"{rel.replace('.html', '.ipynb')}"
            )
            notes = []
            if errors:
                notes.append(f"{len(errors)} JavaScript error(s): {errors[0]['message'][:160]}")
            if info["bad_images"]:
                notes.append(f"images not loaded: {info['bad_images'][:3]}")
            if info["tracebacks"]:
                notes.append(f"{info['tracebacks']} output cell(s) show a traceback")
            if source.exists() and expected not in info["colab"]:
                notes.append(f"Colab link missing or wrong (want {expected}, got {info['colab']})")
            want = f"{base}/{other_edition(rel)}"
            if info["other"] != want:
                notes.append(f"language link wrong (want {want}, got {info['other']})")
            elif not (HTML / other_edition(rel)).exists():
                notes.append(f"language link leads nowhere: {other_edition(rel)} was not built")
            if info["chinese"] and not info["cjk_glyphs"]:
                notes.append("Chinese text renders as empty boxes: no font with CJK glyphs")
            if Path(rel).stem in math_pages and info["math"] == 0:
                notes.append("no math markup")
            elif info["math"] and not info["rendered"]:
                notes.append("math not typeset: MathJax did not load, the page shows TeX source")
            status = "FAIL " + "; ".join(notes) if notes else "ok"
            print(
                f"{rel}: {info['images']} images, {info['math']} math elements "
                f"({info['rendered']} typeset), "
                f"{'Chinese glyphs ok, ' if info['chinese'] and info['cjk_glyphs'] else ''}"
                f"screenshot {shot.relative_to(ROOT)}: {status}"
            )
            problems += [f"{rel}: {n}" for n in notes]
        for prefix, word in SEARCHES.items():
            hits = _search(driver, f"{base}/{prefix}search.html", word)
            status = "ok" if hits else "FAIL no result"
            print(f"{prefix}search.html?q={word}: {len(hits)} result(s) {hits[:3]}: {status}")
            if not hits:
                problems.append(f"{prefix}search.html: no result for {word}")
    finally:
        driver.quit()
        server.shutdown()
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("check", choices=["links", "browser"])
    parser.add_argument(
        "--math-pages",
        default="04_loss_math,09_faq",
        help="comma-separated page stems that must contain equations",
    )
    args = parser.parse_args(argv)
    if not HTML.is_dir():
        print(f"no built book at {HTML}; run the README's build command first", file=sys.stderr)
        return 2
    if args.check == "links":
        problems = check_links()
    else:
        problems = check_browser(set(args.math_pages.split(",")))
    for problem in problems:
        print(f"FAIL {problem}", file=sys.stderr)
    print(f"{args.check}: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
