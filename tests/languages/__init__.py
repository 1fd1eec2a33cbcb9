"""Acceptance tests of parallel language versions (issue 6), and the small builders they share.

Two texts are used. The Almaty sample (examples/almaty-2012/recommendations.yaml) is bilingual English and
Russian; a negotiation on it (`negotiate_sample`) has one delegation change an English preambular paragraph
and propose a new operative paragraph, the chair accepts both, and Rev.1 is issued: the Russian version of
the changed paragraph keeps its old wording and the new paragraph stands in English, both "translation
pending". A tiny spec (`write_tiny_spec`) uses the project's registry with lists of States whose English
and Russian alphabetical orders differ, a genitive list, a date parameter, quotations and nested
sub-paragraphs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from click.testing import CliRunner

from drafting import app as api
from drafting.cli import cli
from tests.conftest import ALMATY_SPEC, CLAUSES

ACTOR = "Secretariat"
NAME = "recommendations"

# un-conventions §4.2: official State names per language (Russian nominative), from one name table each.
FORMAL_RU = {
    "AFG": "Исламская Республика Афганистан",
    "AZE": "Азербайджанская Республика",
    "IRN": "Исламская Республика Иран",
    "KAZ": "Республика Казахстан",
    "KGZ": "Кыргызская Республика",
    "RUS": "Российская Федерация",
    "TJK": "Республика Таджикистан",
    "TUR": "Турецкая Республика",
    "TKM": "Туркменистан",
    "PAK": "Исламская Республика Пакистан",
}

# The genitive ("участие …", "открыто для …", "За Правительство …") of every State in the registry.
GENITIVE_SHORT_RU = {
    "AFG": "Афганистана", "AZE": "Азербайджана", "CHN": "Китая", "IRN": "Ирана", "ITA": "Италии",
    "KAZ": "Казахстана", "KGZ": "Кыргызстана", "PAK": "Пакистана", "RUS": "Российской Федерации",
    "TJK": "Таджикистана", "TKM": "Туркменистана", "TUR": "Турции", "UZB": "Узбекистана",
}
GENITIVE_FORMAL_RU = {
    "AFG": "Исламской Республики Афганистан", "AZE": "Азербайджанской Республики",
    "CHN": "Китайской Народной Республики", "IRN": "Исламской Республики Иран", "ITA": "Итальянской Республики",
    "KAZ": "Республики Казахстан", "KGZ": "Кыргызской Республики", "PAK": "Исламской Республики Пакистан",
    "RUS": "Российской Федерации", "TJK": "Республики Таджикистан", "TKM": "Туркменистана",
    "TUR": "Турецкой Республики", "UZB": "Республики Узбекистан",
}

# States whose English and Russian alphabetical orders differ (Afghanistan < Azerbaijan but Азербайджан <
# Афганистан; China before Iran and Italy but Китай after Иран and Италия), given in neither order.
MEMBERS = ("TUR", "CHN", "AZE", "ITA", "AFG", "PAK", "IRN")
MEMBERS_EN = ["Afghanistan", "Azerbaijan", "China", "Iran", "Italy", "Pakistan", "Türkiye"]
MEMBERS_RU = ["Азербайджан", "Афганистан", "Иран", "Италия", "Китай", "Пакистан", "Турция"]

TINY_CLAUSES = """\
- id: t.members
  kind: membership
  opening: Agree
  text: "that the following States are members of the {{ body }}:"
  params:
    body: {default: {en: Forum, ru: Форума}}
    members: {type: states, form: short, order: alphabetical}
  translations:
    ru: {opening: Согласиться, text: "с тем, что членами {{ body }} являются следующие государства:"}
  items_from: members
- id: t.replies
  kind: operative
  opening: Takes note
  text: "of the replies received from {{ repliers }};"
  params:
    repliers: {type: states, form: short, order: alphabetical}
  translations:
    ru: {opening: Принимает к сведению, text: "ответы, полученные от следующих государств: {{ repliers }};"}
- id: t.welcome
  kind: operative
  opening: Welcomes
  text: "the participation of {{ observers }} and the contributions of {{ donors }} received on {{ when }};"
  params:
    observers: {type: states, form: formal, order: given, case: genitive}
    donors: {type: states, form: short, order: given, case: genitive}
    when: {type: date}
  translations:
    ru: {opening: Приветствует, text: "участие {{ observers }} и взносы {{ donors }}, полученные {{ when }};"}
- id: t.name
  kind: operative
  opening: Decides
  text: 'to call the forum the "Regional Forum" and to:'
  items:
    - key: a
      opening: Meet
      text: "annually;"
      items:
        - {key: i, opening: Report, text: 'to the "plenary";'}
        - {key: ii, opening: Publish, text: "its report."}
    - {key: b, opening: Review, text: "its work."}
  translations:
    ru:
      opening: Постановляет
      text: 'назвать форум "Региональный форум" и:'
      items:
        - key: a
          opening: Собираться
          text: "ежегодно;"
          items:
            - {key: i, opening: Докладывать, text: '"пленарному заседанию";'}
            - {key: ii, opening: Публиковать, text: "свой доклад."}
        - {key: b, opening: Пересматривать, text: "свою работу."}
"""


def write_tiny_spec(directory: Path, *, observers: tuple[str, ...] = tuple(GENITIVE_FORMAL_RU),
                    donors: tuple[str, ...] = tuple(GENITIVE_SHORT_RU)) -> Path:
    """A tiny un-resolution spec in English and Russian with its own clause library (and a copy of the
    project's registry): replies and members listed alphabetically, observers and donors in the genitive."""
    library = directory / "clauses"
    library.mkdir(parents=True, exist_ok=True)
    shutil.copy(CLAUSES / "registry.yaml", library / "registry.yaml")
    (library / "tiny.yaml").write_text(TINY_CLAUSES, encoding="utf-8")
    spec = directory / "tiny.yaml"
    members = ", ".join(MEMBERS)
    spec.write_text(
        "document:\n"
        "  {id: tiny, name: tiny, title: Recommendations of the Forum, place: Almaty, date: 2012-09-07,\n"
        "   symbol: TX/2012/1, language: en, languages: [en, ru], profile: un-resolution,\n"
        "   translations: {ru: {title: Рекомендации Форума, place: Алматы}}}\n"
        f"clauses: {library}\n"
        "operative:\n"
        "  paragraphs:\n"
        f"    - {{clause: t.replies, id: replies, params: {{repliers: [{members}]}}}}\n"
        f"    - {{clause: t.welcome, id: welcome, params: {{observers: [{', '.join(observers)}],\n"
        f"        donors: [{', '.join(donors)}], when: '2011-03-15'}}}}\n"
        "    - {clause: t.name, id: name}\n"
        f"    - {{clause: t.members, id: members, params: {{members: [{members}]}}}}\n"
        "place_date: yes\n",
        encoding="utf-8",
    )
    return spec


def sample_copy(directory: Path) -> tuple[Path, Path]:
    """A writable copy of the Almaty spec and of the clause library it uses: (spec, library)."""
    library = directory / "clauses"
    shutil.copytree(CLAUSES, library)
    text = ALMATY_SPEC.read_text(encoding="utf-8").replace("clauses: ../../clauses", f"clauses: {library}")
    spec = directory / "recommendations.yaml"
    spec.write_text(text, encoding="utf-8")
    return spec, library


def run(*args: object) -> tuple[int, str, str]:
    """`drafting ARGS` in-process: (exit code, stdout, stderr)."""
    result = CliRunner().invoke(cli, [str(a) for a in args], env={"DRAFTING_ACTOR": ACTOR})
    return result.exit_code, result.stdout, result.stderr


def dp_paragraphs(markdown: str) -> dict[str, str]:
    """Paragraph id -> the Markdown lines under its `<!-- dp:ID -->` marker (up to the next marker)."""
    parts = re.split(r"<!-- dp:([a-z0-9_]+) -->\n", markdown)
    return {pid: body.strip() for pid, body in zip(parts[1::2], parts[2::2], strict=True)}


def replace_paragraph(markdown: str, pid: str, text: str) -> str:
    """`markdown` (our own Markdown) with the text of paragraph `pid` replaced, its label kept."""
    marker = f"<!-- dp:{pid} -->\n"
    start = markdown.index(marker) + len(marker)
    end = markdown.index("\n", start)
    line = markdown[start:end]
    label = re.match(r"(\s*\\?-\s*\d+\s*-\s*|\s*\d+\\?\.\s*)", line)
    return markdown[:start] + (label.group(0) if label else "") + text + markdown[end:]


# -- PDF ---------------------------------------------------------------------------------------------------


def pdf_fonts(path: Path) -> list[tuple[str, bool]]:
    """(BaseFont, embedded) for every font the PDF uses, composite fonts through their descendants."""
    out = []
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/Font":
                continue
            if obj.get("/Subtype") == "/Type0":
                continue  # described by its descendant CIDFont, which is listed on its own
            descriptor = obj.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            out.append((str(obj.get("/BaseFont")), embedded))
    return out


def pdf_words(path: Path) -> list[str]:
    """The words of the PDF in content-stream order (pdftotext -raw)."""
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True, timeout=120).stdout.decode("utf-8")
    assert "\ufffd" not in text
    return re.findall(r"\w+", re.sub(r"(\w)-\n(\w)", r"\1\2", text))


def in_order(needle: list[str], haystack: list[str]) -> bool:
    """Every word of `needle` in order in `haystack` (other words may sit between: header, page numbers); a
    haystack token may join words hyphenated at a line end."""
    i = 0
    for token in haystack:
        if i == len(needle):
            break
        j, joined = i, ""
        while j < len(needle) and len(joined) < len(token):
            joined += needle[j]
            j += 1
            if joined == token:
                i = j
                break
    return i == len(needle)


# -- a negotiation on the sample ------------------------------------------------------------------------------

FORUM_OLD = "needs a reliable consultative forum"
FORUM_NEW = "needs a permanent consultative forum"
FORUM_RU_OLD = "необходим надежный консультативный форум"
NEW_PARAGRAPH = "Invite the participating States to nominate National Coordinators of the Almaty Process;"
# The translator's wording for the two paragraphs pending translation after Rev.1.
FORUM_RU = ("Учитывая, что Центральноазиатскому региону необходим постоянный консультативный форум для "
            "регулирования сложных смешанных миграционных потоков, которые затрагивают регион и, в частности, "
            "сопредельные с ним районы;")
NEW_PARAGRAPH_RU = "Предложить государствам-участникам назначить национальных координаторов Алматинского процесса;"


@dataclass(frozen=True)
class SampleNegotiation:
    """A workspace on the sample at Rev.1 and what the tests need to know about how it got there."""

    directory: Path            # the workspace
    rev1: Path                 # Rev.1 as `revise` wrote it (recommendations-rev1.md, .ru.md, .docx, .ru.docx)
    new_id: str                # the id of the accepted new paragraph
    accepted: tuple[str, ...]  # the accepted amendments
    status_before: dict        # `status --json` before Rev.1 (the amendments accepted, nothing revised)

    @property
    def pending(self) -> list[str]:
        return sorted(["forum_needed", self.new_id])

    def rev1_md(self, language: str = "en") -> Path:
        return self.rev1 / (f"{NAME}-rev1.md" if language == "en" else f"{NAME}-rev1.{language}.md")

    def copy(self, target: Path) -> Path:
        """A copy of the workspace (for tests that change it)."""
        shutil.copytree(self.directory, target)
        return target


def negotiate_sample(directory: Path) -> SampleNegotiation:
    """Kazakhstan edits a copy of the English text (one paragraph changed, one new paragraph); both accepted;
    Rev.1 issued."""
    ws = directory / "ws"
    api.negotiation_init(ws, ALMATY_SPEC, actor=ACTOR)
    base = directory / "base"
    api.assemble_to(ALMATY_SPEC, base, ("md",), language="en")
    text = (base / f"{NAME}.md").read_text(encoding="utf-8")
    assert FORUM_OLD in text
    text = text.replace(FORUM_OLD, FORUM_NEW)
    marker = "<!-- dp:request_support -->"
    text = text.replace(marker, f"{NEW_PARAGRAPH}\n\n{marker}")
    edited = directory / "kazakhstan.md"
    edited.write_text(text, encoding="utf-8")
    api.submit(ws, "Kazakhstan", edited, actor=ACTOR)
    report = api.status_report(ws)
    amendments = [a for p in report["paragraphs"] for a in p["amendments"] + p["proposed_after"]]
    assert len(amendments) == 2, amendments
    for a in amendments:
        api.decide(ws, a["id"], "accept", note="agreed", actor=ACTOR)
    status_before = api.status_report(ws)
    rev1 = directory / "rev1"
    api.revise(ws, rev1, ("md", "docx"), actor=ACTOR)
    workspace = api.open_workspace(ws)
    try:
        number, document = workspace.document()
    finally:
        workspace.close()
    new_ids = [p.id for p in document.paragraphs if p.id.startswith("new_")]
    assert number == 1 and len(new_ids) == 1, new_ids
    return SampleNegotiation(ws, rev1, new_ids[0], tuple(a["id"] for a in amendments), status_before)


def translated_rev1(negotiation: SampleNegotiation, target: Path) -> Path:
    """The translator's file: Rev.1's own Russian Markdown with the two pending paragraphs translated."""
    text = negotiation.rev1_md("ru").read_text(encoding="utf-8")
    text = replace_paragraph(text, "forum_needed", FORUM_RU)
    text = replace_paragraph(text, negotiation.new_id, NEW_PARAGRAPH_RU)
    target.write_text(text, encoding="utf-8")
    return target
