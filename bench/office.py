"""Benchmark: PDFs of one command by one LibreOffice start (`docx_to_pdfs`) against one start per file.

The Almaty 2012 sample's .docx in English and Russian and the side-by-side of both (what `finalize`
converts), as PDF/A-2b. Each way runs `--rounds` times (default 3), alternating, medians compared; in-process,
so only LibreOffice's work is timed. Outputs are checked: the same number of PDFs, each a PDF, and the batch's
bytes are those of the per-file ones apart from the time of making (tests/support/test_office.py shows it).
Last line: `ratio one start per file / one start for all: X.XX`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DRAFTING_QUIET", "1")
    from drafting.app import load_document
    from drafting.render.docx import render_docx, render_side_by_side
    from drafting.support.office import docx_to_pdf, docx_to_pdfs

    spec = ROOT / "examples" / "almaty-2012" / "recommendations.yaml"
    english = load_document(spec, language="en")
    russian = load_document(spec, language="ru")
    docs = [render_docx(english), render_docx(russian), render_side_by_side([english, russian])]
    per_file: list[float] = []
    together: list[float] = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        one_by_one = [docx_to_pdf(d, pdfa=True) for d in docs]
        per_file.append(time.perf_counter() - started)
        started = time.perf_counter()
        batch = docx_to_pdfs(docs, pdfa=True, workers=1)
        together.append(time.perf_counter() - started)
        if len(batch) != len(one_by_one) or not all(p.startswith(b"%PDF-") for p in batch + one_by_one):
            raise SystemExit("a conversion gave no PDF")
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}; {len(docs)} documents (en, ru, "
          f"side-by-side) to PDF/A-2b; {args.rounds} rounds")
    print(f"one LibreOffice start per file: median {statistics.median(per_file):.2f} s, runs "
          f"{[round(t, 2) for t in per_file]}")
    print(f"one start for all (docx_to_pdfs): median {statistics.median(together):.2f} s, runs "
          f"{[round(t, 2) for t in together]}")
    print(f"ratio one start per file / one start for all: "
          f"{statistics.median(per_file) / statistics.median(together):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
