"""The Content-Security-Policy (unionhall.middleware) allows styles and scripts
only from the site's own files, so a browser silently drops an inline <style>
block, a style="" attribute or an inline <script>: a page that relies on one
looks broken (an uncoloured map, a table wider than a phone). Styles belong in
an app's static CSS."""

import re
from pathlib import Path

import unionhall

ROOT = Path(unionhall.__file__).parent
INLINE = re.compile(r"<style\b|\sstyle=|<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")", re.I)


def test_no_template_or_python_html_uses_inline_styles_or_scripts():
    found = []
    for path in sorted(ROOT.rglob("*")):
        if path.suffix not in {".html", ".py"} or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if INLINE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert not found, "inline styles or scripts the Content-Security-Policy blocks:\n" + "\n".join(found)
