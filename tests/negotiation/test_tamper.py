"""A tamper-evident record (issue 12, item 4): whoever can write the SQLite file can drop the append-only
triggers and rewrite rows, but every such change is named by the next command that opens the record, and
nothing (no revision, no final text) is built on it.

Each tampering is done as an attacker would: the triggers are dropped, the rows changed, and the triggers put
back with their exact SQL, so only the hash chain, the head file and the re-hashed files can tell.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafting import app as api
from drafting.cli import cli
from drafting.errors import DraftingRecordError
from drafting.negotiation.store import DB_NAME
from tests.negotiation import RAP, SEAT, Base, counts, edit_md, new_workspace

RECORDS = Path(__file__).resolve().parents[1] / "fixtures" / "records"


@pytest.fixture(scope="module")
def negotiated(tmp_path_factory: pytest.TempPathFactory, base: Base) -> Path:
    """Kazakhstan (accepted) and Tajikistan (rejected) submitted, a paragraph marked agreed."""
    root = tmp_path_factory.mktemp("negotiated")
    ws = new_workspace(root / "ws", base)
    kaz = edit_md(base.md, root / "kaz.md", [(RAP, RAP.replace("draft", "revised 2013"))])
    tjk = edit_md(base.md, root / "tjk.md", [(SEAT, SEAT.replace("in Almaty", "in Dushanbe"))])
    api.submit(ws, "KAZ", kaz, actor="clerk")
    api.submit(ws, "TJK", tjk, actor="clerk")
    report = api.status_report(ws)
    by_id = {p["id"]: p for p in report["paragraphs"]}
    accepted = by_id["endorse_rap"]["amendments"][0]["id"]
    rejected = next(a["id"] for p in report["paragraphs"] for a in p["amendments"] if a["delegation"] == "Tajikistan")
    api.decide(ws, accepted, "accept", note="agreed", actor="chair")
    api.decide(ws, rejected, "reject", note="no consensus", actor="chair")
    api.mark(ws, "endorse_rcf", "agreed", actor="chair")
    return ws


@pytest.fixture
def ws(negotiated: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(negotiated, tmp_path / "ws"))


def rewrite(ws: Path, *statements: str | tuple[str, tuple[object, ...]]) -> None:
    """Run `statements` on the record with its triggers dropped, then put the triggers back as they were."""
    with closing(sqlite3.connect(ws / DB_NAME)) as db:
        triggers = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
        for name, _ in triggers:
            db.execute(f"DROP TRIGGER {name}")
        for statement in statements:
            sql, args = statement if isinstance(statement, tuple) else (statement, ())
            db.execute(sql, args)
        for _, sql in triggers:
            db.execute(sql)
        db.commit()


def _one(ws: Path, query: str, args: tuple[object, ...] = ()) -> tuple[object, ...]:
    with closing(sqlite3.connect(ws / DB_NAME)) as db:
        row = db.execute(query, args).fetchone()
    assert row is not None, query
    return tuple(row)


def forge_amendment_text(ws: Path) -> None:
    submission, aid, data = _one(ws, "SELECT a.submission, a.id, a.data FROM amendments a JOIN delegations d "
                                     "ON d.id = a.delegation WHERE d.name = 'Kazakhstan'")
    assert "2013" in str(data)
    rewrite(ws, ("UPDATE amendments SET data = ? WHERE submission = ? AND id = ?",
                 (str(data).replace("2013", "2099"), submission, aid)))


def zero_a_stored_submission(ws: Path) -> None:
    sha, = _one(ws, "SELECT sha256 FROM submissions ORDER BY id LIMIT 1")
    rewrite(ws, ("UPDATE blobs SET data = zeroblob(10), size = 10 WHERE sha256 = ?", (sha,)))


def rewrite_event_actor_and_date(ws: Path) -> None:
    rewrite(ws, "UPDATE events SET actor = 'chair', at = '2012-09-06T09:00:00.000000Z' WHERE kind = 'submission'")


def delete_a_submission(ws: Path) -> None:
    sid, = _one(ws, "SELECT s.id FROM submissions s JOIN delegations d ON d.id = s.delegation "
                    "WHERE d.name = 'Tajikistan'")
    rewrite(ws, ("DELETE FROM amendments WHERE submission = ?", (sid,)),
            ("DELETE FROM submissions WHERE id = ?", (sid,)))


def turn_a_rejection_into_an_acceptance(ws: Path) -> None:
    rewrite(ws, "UPDATE decisions SET decision = 'accept', note = 'agreed' WHERE decision = 'reject'")


def reorder_two_events(ws: Path) -> None:
    first, second = 3, 4
    rewrite(ws, f"UPDATE events SET seq = -1 WHERE seq = {first}",
            f"UPDATE events SET seq = {first} WHERE seq = {second}", f"UPDATE events SET seq = {second} WHERE seq = -1")


def delete_the_last_event(ws: Path) -> None:
    rewrite(ws, "DELETE FROM events WHERE seq = (SELECT max(seq) FROM events)")


def drop_a_trigger(ws: Path) -> None:
    with closing(sqlite3.connect(ws / DB_NAME)) as db:
        db.execute("DROP TRIGGER decisions_no_update")
        db.commit()


def swap_a_stored_file_for_another_submissions(ws: Path) -> None:
    (kaz, kaz_data), (_, tjk_data) = _files(ws)
    assert kaz_data != tjk_data
    rewrite(ws, ("UPDATE blobs SET data = ?, size = ? WHERE sha256 = ?", (tjk_data, len(tjk_data), kaz)))


def point_a_submission_at_another_submissions_file(ws: Path) -> None:
    (kaz, _), (tjk, _) = _files(ws)
    rewrite(ws, ("UPDATE submissions SET sha256 = ? WHERE sha256 = ?", (tjk, kaz)))


def insert_a_decision_with_the_triggers_on(ws: Path) -> None:
    with closing(sqlite3.connect(ws / DB_NAME)) as db:
        revision, amendment = db.execute("SELECT revision, amendment FROM decisions LIMIT 1").fetchone()
        db.execute("INSERT INTO decisions(revision, amendment, decision, note, at, actor) VALUES (?, ?, 'withdraw', "
                   "'', '2012-09-07T10:00:00.000000Z', 'chair')", (revision, amendment))
        db.commit()


def delete_the_head_file(ws: Path) -> None:
    (ws / "negotiation.head").unlink()


def _files(ws: Path) -> list[tuple[str, bytes]]:
    with closing(sqlite3.connect(ws / DB_NAME)) as db:
        return [(sha, bytes(data)) for sha, data in db.execute(
            "SELECT s.sha256, b.data FROM submissions s JOIN blobs b ON b.sha256 = s.sha256 ORDER BY s.id")]


TAMPERINGS: dict[str, tuple[Callable[[Path], None], str]] = {
    "forged amendment text": (forge_amendment_text, r"event \d+ \(submission Kazakhstan\): the amendment row\(s\) "
                                                    r"it recorded were altered"),
    "stored submission zeroed": (zero_a_stored_submission, r"stored file [0-9a-f]{12}… \(submission 1 by Kazakhstan, "
                                                           r"kaz\.md\) no longer matches its SHA-256"),
    "event actor and date rewritten": (rewrite_event_actor_and_date,
                                       r"event \d+ \(submission Kazakhstan\) was altered"),
    "submission deleted": (delete_a_submission, r"event \d+ \(submission Tajikistan\): 1 submission row\(s\) it "
                                                r"recorded were deleted"),
    "rejection turned into an acceptance": (
        turn_a_rejection_into_an_acceptance,
        r"event \d+ \(decision [^)]+\): the decision row\(s\) it recorded were altered"),
    "events re-ordered": (reorder_two_events, r"event 3 \(.*\): its link to the event before it is broken"),
    "last event deleted": (delete_the_last_event, r"the record ends at event \d+, but it reached event \d+ "
                                                  r"\(events deleted from the end\)"),
    "trigger dropped": (drop_a_trigger, r"trigger decisions_no_update is missing"),
    "stored file swapped for another submission's": (
        swap_a_stored_file_for_another_submissions,
        r"stored file [0-9a-f]{12}… \(submission 1 by Kazakhstan, kaz\.md\) no longer matches its SHA-256"),
    "submission pointed at another submission's file": (
        point_a_submission_at_another_submissions_file,
        r"event \d+ \(submission Kazakhstan\): the submission row\(s\) it recorded were altered"),
    "decision inserted with the triggers on": (insert_a_decision_with_the_triggers_on,
                                               r"1 decision row\(s\) not recorded by any event"),
    "head file deleted": (delete_the_head_file, r"head file negotiation\.head is missing"),
}


def test_an_untouched_record_verifies(ws: Path) -> None:
    problems, seq, digest = api.verify_record(ws)
    assert problems == []
    assert seq == len(api.log_events(ws)) and len(digest) == 64
    result = CliRunner().invoke(cli, ["log", str(ws), "--verify"])
    assert result.exit_code == 0, result.output
    assert f"{seq} event(s), chain head {digest}" in result.output


@pytest.mark.parametrize("name", list(TAMPERINGS))
def test_each_tampering_is_named_by_log_verify(ws: Path, name: str) -> None:
    tamper, expected = TAMPERINGS[name]
    tamper(ws)
    problems, _, _ = api.verify_record(ws)
    assert problems, name
    assert any(re.search(expected, p) for p in problems), problems
    result = CliRunner().invoke(cli, ["log", str(ws), "--verify"])
    assert result.exit_code == 1
    assert "FAIL: " in result.output


@pytest.mark.parametrize("name", list(TAMPERINGS))
def test_nothing_is_built_on_a_tampered_record(ws: Path, tmp_path: Path, name: str) -> None:
    TAMPERINGS[name][0](ws)
    before = counts(ws)
    with pytest.raises(DraftingRecordError, match="tampered with"):
        api.revise(ws, tmp_path / "rev1", ("md",), actor="clerk")
    with pytest.raises(DraftingRecordError, match="tampered with"):
        api.finalize(ws, tmp_path / "final", force=True, pdf=False)
    assert counts(ws) == before
    assert not (tmp_path / "rev1").exists() and not (tmp_path / "final").exists()


@pytest.mark.parametrize("command", [["status"], ["log"], ["compile", "-o", "out"], ["revise"], ["mark", "chapeau",
                                                                                              "agreed"]])
def test_every_command_that_reads_the_record_refuses_it_in_one_line(ws: Path, command: list[str]) -> None:
    forge_amendment_text(ws)
    args = [command[0], str(ws), *command[1:]]
    if command[0] == "compile":
        args[-1] = str(ws.parent / "out")
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "tampered with" in lines[0] and "amendment row(s)" in lines[0], result.output


def test_a_forged_amendment_never_reaches_a_revision(ws: Path, tmp_path: Path) -> None:
    """The attack of the issue: "2013" -> "2099" in a stored amendment, then `revise`."""
    forge_amendment_text(ws)
    result = CliRunner().invoke(cli, ["revise", str(ws), "-o", str(tmp_path / "rev1")])
    assert result.exit_code == 1
    assert not (tmp_path / "rev1").exists()
    with closing(sqlite3.connect(ws / DB_NAME)) as db:
        assert db.execute("SELECT count(*) FROM revisions").fetchone()[0] == 1


def test_writes_go_on_after_a_verified_record_and_keep_it_verifiable(ws: Path) -> None:
    api.mark(ws, "chapeau", "agreed", actor="chair")
    api.mark(ws, "endorse_rap", "agreed", actor="chair")
    assert api.verify_record(ws)[0] == []
    head = json.loads((ws / "negotiation.head").read_text())
    assert head["seq"] == api.verify_record(ws)[1]


def test_a_head_file_that_lags_behind_is_not_tampering(ws: Path) -> None:
    """A process killed between its commit and its head write leaves the head one event behind: fine."""
    head = (ws / "negotiation.head").read_bytes()
    api.mark(ws, "chapeau", "agreed", actor="chair")
    (ws / "negotiation.head").write_bytes(head)
    assert api.verify_record(ws)[0] == []
    api.mark(ws, "chapeau", "pending", actor="chair")  # and the next write catches it up
    assert json.loads((ws / "negotiation.head").read_text())["seq"] == api.verify_record(ws)[1]


def test_a_record_from_before_the_chain_is_sealed_as_found_then_guarded(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    shutil.copy(RECORDS / "schema-2.sqlite", ws / DB_NAME)
    events = api.log_events(ws)
    assert events[-1].kind == "record-chained" and events[-1].detail["events"] == len(events) - 1
    assert api.verify_record(ws)[0] == []
    rewrite(ws, "UPDATE events SET actor = 'someone else' WHERE seq = 2")
    problems = api.verify_record(ws)[0]
    assert any("the event row(s) it recorded were altered" in p for p in problems), problems


def test_a_revision_names_the_record_state_it_came_from(ws: Path, tmp_path: Path) -> None:
    """The chain head when Rev.1 was computed is in its .docx (custom property DraftingRecordHead) and is the
    event just before `revision-issued`."""
    import zipfile

    api.revise(ws, tmp_path / "rev1", ("docx",), actor="clerk")
    [docx] = list((tmp_path / "rev1").glob("*.docx"))
    custom = zipfile.ZipFile(docx).read("docProps/custom.xml").decode("utf-8")
    found = re.search(r'name="DraftingRecordHead"[^>]*>\s*<vt:lpwstr>(\d+):([0-9a-f]{64})</vt:lpwstr>', custom)
    assert found is not None, custom
    events = api.log_events(ws)
    assert events[-1].kind == "revision-issued"
    assert (int(found.group(1)), found.group(2)) == (events[-2].seq, events[-2].hash)


def _mark_many(ws: str, paragraph: str, count: int) -> None:
    for i in range(count):
        api.mark(Path(ws), paragraph, "agreed" if i % 2 else "pending", actor=f"clerk-{paragraph}")


def test_clerks_writing_meanwhile_are_never_taken_for_tampering(ws: Path) -> None:
    """Readers verify one snapshot of the record (the head file read before it) while other processes commit."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    writers = [ctx.Process(target=_mark_many, args=(str(ws), pid, 15)) for pid in ("chapeau", "endorse_rap")]
    for writer in writers:
        writer.start()
    seen = []
    try:
        while any(w.is_alive() for w in writers):
            seen.append(api.verify_record(ws)[0])
    finally:
        for writer in writers:
            writer.join(timeout=120)
    assert all(w.exitcode == 0 for w in writers)
    assert len(seen) >= 3 and all(problems == [] for problems in seen), [p for p in seen if p][:3]
    assert api.verify_record(ws)[0] == []
