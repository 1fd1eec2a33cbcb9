"""Make the sample delegations' redlines with LibreOffice itself (Track Changes on, one author each).

Run from the repository root after `make demo` has built outputs/almaty-2012/recommendations.docx:
    .venv/bin/python examples/almaty-2012/make_submissions.py
It rewrites examples/almaty-2012/submissions/*.docx. The files are committed: they are what delegations
would e-mail back. They were made against the as-issued text; if the sample text changes, run this again
(a test checks that they still match the sample).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.oracle.libreoffice import libreoffice_session  # noqa: E402

BASE = ROOT / "outputs" / "almaty-2012" / "recommendations.docx"
OUT = ROOT / "examples" / "almaty-2012" / "submissions"

# Paragraph indices count the document's paragraphs from 0 (title 0, issuing 1, heading 2, subject 3, …).
SUBMISSIONS = {
    # Kazakhstan and Tajikistan both rework "a reliable consultative forum": a conflict.
    "kazakhstan.docx": ("Kazakhstan", [
        {"op": "replace", "old": "needs a reliable consultative forum", "new": "needs an effective consultative forum"},
        {"op": "replace", "old": "later this year or early next year", "new": "in the first half of 2013"},
    ]),
    "tajikistan.docx": ("Tajikistan", [
        {"op": "replace", "old": "a reliable consultative", "new": "a permanent consultative"},
        {"op": "insert", "after": "to support the initial establishment of the secretariat", "text": " and its work"},
    ]),
    # The Kyrgyz Republic proposes a new operative paragraph after 5.
    "kyrgyzstan.docx": ("Kyrgyz Republic", [
        {"op": "insert_paragraph", "after_paragraph": 20,
         "text": "Invite the Member States to nominate national focal points for the Almaty Process;"},
        {"op": "insert", "after": "the spread of extremism", "text": " and radicalization"},
    ]),
    # Turkmenistan tracks one change and forgets Track Changes for another.
    "turkmenistan.docx": ("Turkmenistan", [
        {"op": "replace", "old": "Endorse the draft Regional Action Plan", "new": "Take note of the draft Regional Action Plan"},
        {"op": "track", "on": False},
        {"op": "replace", "old": "victims of trafficking", "new": "victims of trafficking in persons"},
    ]),
}


def main() -> int:
    if not BASE.is_file():
        print(f"{BASE} is missing: run `make demo` first", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    with libreoffice_session() as office:
        for name, (author, ops) in SUBMISSIONS.items():
            office.record_changes(BASE, OUT / name, author, ops)
            print(f"{OUT / name}: {author}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
