"""LibreOffice headless as our conversion engine: .docx to PDF (optionally PDF/A-2b) and to plain text.

Every run gets a private profile (``-env:UserInstallation``) in a fresh temporary directory, runs in its own
process group and is killed as a group on timeout. LibreOffice exits 0 even when it could not load the input,
so success means "an output file appeared". The input filter is forced where we know the format: without it
LibreOffice's type detection happily imports random bytes as a text document.

Several files convert in one run (`convert_many`, `docx_to_pdfs`): a command that needs several PDFs (each
language, the side-by-side) starts LibreOffice once, not once per file; start-up is most of a conversion.

The first clean run's profile is kept as a per-process template and copied into later runs' temporary
directories, which skips LibreOffice's first-start profile setup (about 0.3 s of a ~1.5 s conversion).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from drafting.errors import DraftingError, DraftingInputError, safe_display
from drafting.support.progress import task

INSTALL_HINT = "install libreoffice-writer (apt-get install libreoffice-writer python3-uno)"
SOFFICE_ENV = "DRAFTING_SOFFICE"
_SOFFICE_CANDIDATES = ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice")

DOCX_FILTER = "MS Word 2007 XML"
PDF_FILTER = "writer_pdf_Export"
TEXT_TARGET = "txt:Text (encoded):UTF8"
# PDF/A-2b; LibreOffice 7.4 accepts JSON filter options on the command line (SelectPdfVersion 2 = PDF/A-2b).
PDFA2B_OPTIONS = json.dumps(
    {"SelectPdfVersion": {"type": "long", "value": "2"}, "EmbedStandardFonts": {"type": "boolean", "value": "true"}},
    separators=(",", ":"),
)


# -- errors ----------------------------------------------------------------------------------------------


class OfficeError(DraftingError):
    """LibreOffice is missing, failed or timed out; the message is one line."""

    def __init__(self, message: str) -> None:
        super().__init__(safe_display(message))
        self.message = safe_display(message)


class OfficeNotFoundError(OfficeError):
    """No `soffice` executable was found."""


class OfficeTimeoutError(OfficeError):
    """LibreOffice did not finish in time; its whole process group was killed."""


class OfficeConversionError(OfficeError, DraftingInputError):
    """LibreOffice ran but produced no output, usually because it could not load the input."""


# -- locating soffice ------------------------------------------------------------------------------------


def find_soffice() -> str:
    """Return the path of the `soffice` executable, or raise `OfficeNotFoundError` with an install hint.

    `$DRAFTING_SOFFICE` wins when set; then ``soffice`` on `PATH`; then the usual install locations.
    """
    override = os.environ.get(SOFFICE_ENV)
    if override:
        if os.access(override, os.X_OK) and Path(override).is_file():
            return override
        raise OfficeNotFoundError(f"${SOFFICE_ENV}={override} is not an executable; {INSTALL_HINT}")
    found = shutil.which("soffice")
    if found:
        return found
    for candidate in _SOFFICE_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    raise OfficeNotFoundError(f"LibreOffice (soffice) not found; {INSTALL_HINT}")


# -- profile template ------------------------------------------------------------------------------------

_template_lock = threading.Lock()
_template_dir: Path | None = None


def _remove_template() -> None:
    if _template_dir is not None:
        shutil.rmtree(_template_dir.parent, ignore_errors=True)


def _seed_profile(profile: Path) -> None:
    """Copy the per-process template profile into `profile` when one exists (else LibreOffice makes one)."""
    with _template_lock:
        template = _template_dir
    if template is not None:
        with contextlib.suppress(OSError):
            shutil.copytree(template, profile, symlinks=True)


def _adopt_template(profile: Path) -> None:
    """Keep a copy of a profile from a clean run as the template for later runs of this process."""
    global _template_dir
    with _template_lock:
        if _template_dir is not None or not (profile / "user" / "registrymodifications.xcu").is_file():
            return
        holder = Path(tempfile.mkdtemp(prefix="drafting-lo-template-"))
        try:
            shutil.copytree(profile, holder / "profile", symlinks=True)
        except OSError:
            shutil.rmtree(holder, ignore_errors=True)
            return
        _template_dir = holder / "profile"
        atexit.register(_remove_template)


# -- running soffice -------------------------------------------------------------------------------------


def _signal_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the process group led by `proc` (and nothing else); whoever is reading its pipes reaps it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the process group led by `proc` (and nothing else), then reap `proc`."""
    _signal_group(proc)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.communicate(timeout=10)


def _remove_lock_files(directory: Path) -> None:
    """Delete `.~lock.<name>#` files that a crashed run may have left next to its input."""
    for lock in directory.glob(".~lock.*#"):
        with contextlib.suppress(OSError):
            lock.unlink()


def _last_line(stderr: bytes) -> str:
    """The most useful line of soffice's stderr (its own error line, not the javaldx warning)."""
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    lines = [ln for ln in lines if "javaldx" not in ln]
    errors = [ln for ln in lines if ln.lower().startswith("error")]
    return (errors or lines or [""])[-1]


def _argv(soffice: str, profile: Path, target: str, infilter: str | None, out_dir: Path,
          sources: Sequence[Path]) -> list[str]:
    argv = [
        soffice,
        "--headless",
        "--invisible",
        "--norestore",
        "--nologo",
        "--nodefault",
        "--nolockcheck",
        f"-env:UserInstallation={profile.as_uri()}",
    ]
    if infilter:
        argv.append(f"--infilter={infilter}")
    return [*argv, "--convert-to", target, "--outdir", str(out_dir), *map(str, sources)]


def _target(suffix: str, target: str, filter_options: str | None) -> tuple[str, str, str]:
    """(suffix without dot, full target, output extension), checked."""
    suffix = suffix.lstrip(".")
    if not suffix or not suffix.isalnum():
        raise OfficeError(f"bad input suffix {suffix!r}")
    if filter_options is not None:
        if target.count(":") != 1:
            raise OfficeError(f"target {target!r} must be 'ext:filter' when filter_options is given")
        target = f"{target}:{filter_options}"
    return suffix, target, target.split(":", 1)[0]


def _run_batch(soffice: str, inputs: Sequence[bytes], stems: Sequence[str], suffix: str, target: str, ext: str,
               infilter: str | None, timeout: float, labels: Sequence[str],
               started: list[subprocess.Popen[bytes]] | None = None) -> list[bytes]:
    """One soffice process converting every input (written as `<stem>.<suffix>`) into one output folder."""
    with tempfile.TemporaryDirectory(prefix="drafting-lo-") as tmp:
        work = Path(tmp)
        in_dir, out_dir, profile = work / "in", work / "out", work / "profile"
        in_dir.mkdir()
        out_dir.mkdir()
        sources = []
        for stem, data in zip(stems, inputs, strict=True):
            source = in_dir / f"{stem}.{suffix}"
            source.write_bytes(data)
            sources.append(source)
        _seed_profile(profile)
        _remove_lock_files(in_dir)
        proc = subprocess.Popen(
            _argv(soffice, profile, target, infilter, out_dir, sources),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=work,
            start_new_session=True,
        )
        if started is not None:
            started.append(proc)
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            what = f".{suffix}" if len(inputs) == 1 else f"{len(inputs)} .{suffix} files"
            raise OfficeTimeoutError(f"LibreOffice timed out after {timeout:g} s converting {what} to {ext}") from None
        except BaseException:
            _kill_group(proc)
            raise
        _remove_lock_files(in_dir)
        outputs = [out_dir / f"{stem}.{ext}" for stem in stems]
        missing = [label for label, out in zip(labels, outputs, strict=True) if not out.is_file()]
        if proc.returncode == 0 and not missing:
            _adopt_template(profile)
        if missing:
            detail = _last_line(stderr) or f"exit status {proc.returncode}"
            raise OfficeConversionError(f"LibreOffice could not convert {missing[0]} to {ext}: {detail}")
        return [out.read_bytes() for out in outputs]


def convert(
    data: bytes,
    suffix: str,
    target: str,
    *,
    timeout: float = 180,
    filter_options: str | None = None,
    infilter: str | None = None,
) -> bytes:
    """Convert `data` (a file ending in `suffix`) with ``soffice --convert-to`` and return the output bytes.

    `target` is LibreOffice's ``ext[:filter[:options]]``; `filter_options`, when given, is appended as the
    options part (`target` must then name the filter). `infilter` forces the import filter (e.g.
    ``MS Word 2007 XML``) instead of LibreOffice's content sniffing. Raises `OfficeTimeoutError` after
    `timeout` seconds (the whole process group is killed) and `OfficeConversionError` when no output appears.
    """
    soffice = find_soffice()
    suffix, target, ext = _target(suffix, target, filter_options)
    return _run_batch(soffice, [data], ["in"], suffix, target, ext, infilter, timeout, [f"the .{suffix} input"])[0]


def convert_many(
    inputs: Sequence[bytes],
    suffix: str,
    target: str,
    *,
    timeout: float | None = None,
    filter_options: str | None = None,
    infilter: str | None = None,
    names: Sequence[str] | None = None,
    workers: int | None = None,
) -> list[bytes]:
    """`convert` for several inputs at once: one LibreOffice start for all of them, not one per file.

    The inputs are shared out over `workers` soffice processes running side by side, each a single
    ``--convert-to`` call with its share of the files and its own private profile. The default is one
    process per two cores and three files: on two cores a second office only competes with the first
    (measured: no gain for four documents), so it pays only with cores to spare. Outputs come back in the
    order of `inputs`, the same bytes as one `convert` call per file (apart from the time of making, which
    PDFs record). `names` label the inputs in error messages. `timeout`
    (default 180 s plus 60 s per further file) bounds each process; on a failure (or an interrupt) every
    process started is killed with its group and the first error is raised.
    """
    if not inputs:
        return []
    soffice = find_soffice()
    suffix, target, ext = _target(suffix, target, filter_options)
    labels = list(names) if names is not None else [f"input {n + 1} (.{suffix})" for n in range(len(inputs))]
    if len(labels) != len(inputs):
        raise OfficeError("names must label every input")
    if workers is None:
        workers = min((os.cpu_count() or 1) // 2, len(inputs) // 3)
    workers = max(1, min(workers, len(inputs)))
    shares = [list(range(w, len(inputs), workers)) for w in range(workers)]
    limit = timeout if timeout is not None else 180 + 60 * (max(len(s) for s in shares) - 1)

    with task("LibreOffice", 1) as progress:
        progress.step(f"{len(inputs)} file{'s' if len(inputs) > 1 else ''} to {ext}", slow=True)
        return _convert_shares(inputs, shares, soffice, suffix, target, ext, infilter, limit, labels)


def _convert_shares(inputs: Sequence[bytes], shares: list[list[int]], soffice: str, suffix: str, target: str,
                    ext: str, infilter: str | None, limit: float, labels: Sequence[str]) -> list[bytes]:
    """Each share of the inputs converted by its own soffice process, side by side; outputs in input order."""
    started: list[subprocess.Popen[bytes]] = []

    def run(share: list[int]) -> list[bytes]:
        return _run_batch(soffice, [inputs[i] for i in share], [f"in-{i:03d}" for i in share], suffix, target, ext,
                          infilter, limit, [labels[i] for i in share], started)

    if len(shares) == 1:
        return run(shares[0])
    results: dict[int, bytes] = {}
    pool = ThreadPoolExecutor(max_workers=len(shares))
    try:
        futures = [pool.submit(run, share) for share in shares]
        for share, future in zip(shares, futures, strict=True):
            results.update(zip(share, future.result(), strict=True))
    except BaseException:
        # Only signalled here: each process is still being read (and then reaped) by its own worker thread, and
        # two threads reading one process's pipes race on the file descriptors.
        for proc in list(started):
            if proc.returncode is None:
                _signal_group(proc)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return [results[i] for i in range(len(inputs))]


# -- conversions we use ----------------------------------------------------------------------------------


def docx_to_pdf(docx: bytes, *, pdfa: bool = False, timeout: float = 180) -> bytes:
    """Render `docx` to PDF with fonts embedded; with `pdfa`, as PDF/A-2b (declared in the XMP metadata).

    Tracked changes are printed as marked-up text: accept them (or refuse a non-final text) before calling.
    """
    return convert(
        docx,
        "docx",
        f"pdf:{PDF_FILTER}",
        timeout=timeout,
        filter_options=PDFA2B_OPTIONS if pdfa else None,
        infilter=DOCX_FILTER,
    )


def docx_to_pdfs(docxs: Sequence[bytes], *, pdfa: bool = False, names: Sequence[str] | None = None,
                 timeout: float | None = None, workers: int | None = None) -> list[bytes]:
    """`docx_to_pdf` for several documents with one LibreOffice start (see `convert_many`)."""
    return convert_many(
        docxs,
        "docx",
        f"pdf:{PDF_FILTER}",
        timeout=timeout,
        filter_options=PDFA2B_OPTIONS if pdfa else None,
        infilter=DOCX_FILTER,
        names=names,
        workers=workers,
    )


def docx_to_text(docx: bytes, *, timeout: float = 180) -> str:
    """Return the text of `docx` as LibreOffice's UTF-8 text export sees it (BOM stripped, ``\\n`` newlines)."""
    raw = convert(docx, "docx", TEXT_TARGET, timeout=timeout, infilter=DOCX_FILTER)
    text = raw.decode("utf-8", "replace").removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")
