"""Render the fact sheet with headless Chromium, as a person would see it, and fail on a blank page.

Run by `.ci/run` where `chromium` is installed: it writes the report of the bundled store, takes
PNG screenshots 1280 and 390 pixels wide in the light and the dark colour scheme and prints a PDF, and checks that each image is not blank
or mostly blank (at least 3% of its pixels differ from its background), that the PDF has at most
MAX_PAGES A4 pages, and that on a 390-pixel screen no text is smaller than MIN_TEXT_PX and every
stacked table cell keeps its label (measured from the computed styles, by a copy of the page with
a measuring script added, whose DOM Chromium dumps). `--docs DIR` also keeps the 1280-pixel
picture as DIR/report.png, and `--keep DIR` every picture and the PDF, for a person to look
at. Standard library only.
"""

from __future__ import annotations

import argparse
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
]


MAX_PAGES = 6
MIN_TEXT_PX = 12.0

#: Added to a copy of the page: the smallest computed font size of any element that shows text,
#: and how many cells shown stacked (as blocks) have no label before them, written into the DOM.
MEASURE = """<script>
addEventListener("load", () => {
  let least = Infinity, where = "";
  for (const element of document.body.querySelectorAll("*")) {
    const own = [...element.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !element.getClientRects().length) continue;
    const size = parseFloat(getComputedStyle(element).fontSize);
    if (size < least) { least = size; where = element.tagName + " " + element.textContent.trim().slice(0, 40); }
  }
  let unlabelled = 0;
  for (const cell of document.querySelectorAll("td")) {
    if (getComputedStyle(cell).display !== "block") continue;
    const label = getComputedStyle(cell, "::before").content;
    if (!label || label === "none" || label === "normal") unlabelled++;
  }
  const out = document.createElement("pre");
  out.id = "qingpu-measure";
  out.textContent = JSON.stringify({least, where, unlabelled});
  document.body.append(out);
});
</script>"""


def measured(chromium: str, page: Path, work: Path) -> dict[str, object]:
    """The smallest text and the unlabelled stacked cells of the page at 390 pixels."""
    import json
    import re

    copy = work / "measure.html"
    copy.write_text(
        page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"), encoding="utf-8"
    )
    done = subprocess.run(
        [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={work / 'profile-measure'}",
            "--window-size=390,1600",
            "--virtual-time-budget=5000",
            "--dump-dom",
            copy.as_uri(),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = re.search(r'<pre id="qingpu-measure">(.*?)</pre>', done.stdout, re.S)
    if found is None:
        return {}
    import html

    result: dict[str, object] = json.loads(html.unescape(found.group(1)))
    return result


def pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and rows of an 8-bit RGB or RGBA PNG, unfiltered."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n"), "not a PNG"
    position, data, width, height, channels = 8, b"", 0, 0, 0
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        body = png[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), f"unexpected PNG kind {depth}/{colour}"
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            data += body
        position += 12 + length
    raw = zlib.decompress(data)
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up = previous[x]
            corner = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - corner
                near = min(
                    (abs(guess - left), left), (abs(guess - up), up), (abs(guess - corner), corner)
                )
                line[x] = (line[x] + near[1]) & 0xFF
        rows.append(bytes(line[i] for i in range(stride) if i % channels < 3))
        previous = line
    return width, height, rows


def inked_share(png: bytes) -> float:
    """The share of pixels that differ from the top-left pixel (the page's background)."""
    width, _height, rows = pixels(png)
    background = rows[0][:3]
    inked = sum(
        1 for row in rows[::4] for x in range(0, width * 3, 12) if row[x : x + 3] != background
    )
    sampled = len(rows[::4]) * len(range(0, width * 3, 12))
    return inked / sampled


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", help="keep the 1280-pixel picture here as report.png")
    parser.add_argument(
        "--keep", help="keep every picture here: both widths in light and dark, and the PDF"
    )
    options = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("check_report: no chromium: nothing checked", file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp(prefix="qingpu-report-"))
    page = work / "report.html"
    subprocess.run(["qingpu", "report", "--html", str(page)], check=True)
    failures = []
    for width, height in ((1280, 1000), (390, 1600)):
        for scheme in ("light", "dark"):
            shot = work / f"report-{width}-{scheme}.png"
            subprocess.run(
                [
                    chromium,
                    *CHROMIUM_FLAGS,
                    *(["--force-dark-mode"] if scheme == "dark" else []),
                    f"--user-data-dir={work / f'profile-{width}-{scheme}'}",
                    f"--screenshot={shot}",
                    f"--window-size={width},{height}",
                    page.as_uri(),
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )
            share = inked_share(shot.read_bytes())
            print(f"check_report: {width} px wide, {scheme}: {share:.1%} of the page inked")
            if share < 0.03:
                failures.append(
                    f"the {width}-pixel {scheme} rendering is blank or mostly blank ({share:.1%})"
                )
            if width == 1280 and scheme == "light" and options.docs:
                shutil.copy(shot, Path(options.docs) / "report.png")
    pdf = work / "report.pdf"
    subprocess.run(
        [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={work / 'profile-pdf'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    if options.keep:
        Path(options.keep).mkdir(parents=True, exist_ok=True)
        for kept in [*work.glob("report-*.png"), pdf]:
            shutil.copy(kept, Path(options.keep) / kept.name)
    pages = pdf.read_bytes().count(b"/Type /Page") - pdf.read_bytes().count(b"/Type /Pages")
    print(f"check_report: the PDF has {pages} A4 pages")
    if pages < 1:
        failures.append("the PDF has no page")
    if pages > MAX_PAGES:
        failures.append(f"the PDF has {pages} pages, more than {MAX_PAGES}")
    found = measured(chromium, page, work)
    if not found:
        failures.append("the 390-pixel measure of the text found nothing")
    else:
        least = float(str(found["least"]))
        print(f"check_report: at 390 px the smallest text is {least:g} px ({found['where']})")
        if least < MIN_TEXT_PX:
            failures.append(f"text of {least:g} px at 390 px: {found['where']}")
        if found["unlabelled"]:
            failures.append(f"{found['unlabelled']} stacked cells have no label at 390 px")
    for failure in failures:
        print(f"check_report: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
