"""Read PDFs with the real poppler tools (pdfinfo, pdftotext)."""

import re
import subprocess
import tempfile


def _run(tool, pdf, *args):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return subprocess.run(
            [tool, *args, handle.name, *(["-"] if tool == "pdftotext" else [])],
            check=True,
            capture_output=True,
            text=True,
        ).stdout


def info(pdf):
    return dict(
        (k.strip(), v.strip())
        for k, v in (line.split(":", 1) for line in _run("pdfinfo", pdf).splitlines() if ":" in line)
    )


def pages(pdf):
    return int(info(pdf)["Pages"])


def text(pdf):
    """The text, with line breaks, hyphenation breaks and spaces folded away, for searching."""
    raw = _run("pdftotext", pdf, "-raw")
    raw = re.sub(r"[‐-]\n", "", raw)
    return re.sub(r"\s+", " ", raw)


def compact(pdf):
    return re.sub(r"[\s‐]", "", _run("pdftotext", pdf, "-raw"))
