"""python -m cv_site.pdf.fonts: regenerate bundled.txt from the installed typst wheel."""

from cv_site.pdf.fonts import BUNDLED, _read_ranges, generate_bundled

text = generate_bundled()
BUNDLED.write_text(text, "ascii")
print(f"wrote {BUNDLED}: {len(_read_ranges(' '.join(l for l in text.splitlines() if not l.startswith('#'))))} code points")
