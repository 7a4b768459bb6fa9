"""Render the fact sheet with headless Chromium, as a person would see it, and fail on a blank page.

Run by `.ci/run` where `chromium` is installed: it writes the report of the bundled store, takes
PNG screenshots 1280 and 390 pixels wide and prints a PDF, and checks that each image is not blank
or mostly blank (at least 3% of its pixels differ from its background) and that the PDF has pages.
`--docs DIR` also keeps the 1280-pixel picture as DIR/report.png. Standard library only.
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
        shot = work / f"report-{width}.png"
        subprocess.run(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={work / f'profile-{width}'}",
                f"--screenshot={shot}",
                f"--window-size={width},{height}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        share = inked_share(shot.read_bytes())
        print(f"check_report: {width} px wide: {share:.1%} of the page inked")
        if share < 0.03:
            failures.append(f"the {width}-pixel rendering is blank or mostly blank ({share:.1%})")
        if width == 1280 and options.docs:
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
    pages = pdf.read_bytes().count(b"/Type /Page") - pdf.read_bytes().count(b"/Type /Pages")
    print(f"check_report: the PDF has {pages} A4 pages")
    if pages < 1:
        failures.append("the PDF has no page")
    for failure in failures:
        print(f"check_report: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
