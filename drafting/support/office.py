"""LibreOffice headless as our conversion engine: .docx to PDF (optionally PDF/A-2b) and to plain text.

Every run gets a private profile (``-env:UserInstallation``) in a fresh temporary directory, runs in its own
process group and is killed as a group on timeout. LibreOffice exits 0 even when it could not load the input,
so success means "an output file appeared". The input filter is forced where we know the format: without it
LibreOffice's type detection happily imports random bytes as a text document.

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
from pathlib import Path

from drafting.errors import DraftingError, DraftingInputError, safe_display

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


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the process group led by `proc` (and nothing else), then reap `proc`."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
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
    suffix = suffix.lstrip(".")
    if not suffix or not suffix.isalnum():
        raise OfficeError(f"bad input suffix {suffix!r}")
    if filter_options is not None:
        if target.count(":") != 1:
            raise OfficeError(f"target {target!r} must be 'ext:filter' when filter_options is given")
        target = f"{target}:{filter_options}"
    ext = target.split(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix="drafting-lo-") as tmp:
        work = Path(tmp)
        src = work / "in" / f"in.{suffix}"
        out_dir = work / "out"
        profile = work / "profile"
        src.parent.mkdir()
        out_dir.mkdir()
        src.write_bytes(data)
        _seed_profile(profile)
        _remove_lock_files(src.parent)
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
        argv += ["--convert-to", target, "--outdir", str(out_dir), str(src)]
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=work,
            start_new_session=True,
        )
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise OfficeTimeoutError(
                f"LibreOffice timed out after {timeout:g} s converting .{suffix} to {ext}"
            ) from None
        except BaseException:
            _kill_group(proc)
            raise
        _remove_lock_files(src.parent)
        outputs = sorted(p for p in out_dir.iterdir() if p.is_file() and p.suffix == f".{ext}")
        if proc.returncode == 0 and outputs:
            _adopt_template(profile)
        if not outputs:
            detail = _last_line(stderr) or f"exit status {proc.returncode}"
            raise OfficeConversionError(f"LibreOffice could not convert the .{suffix} input to {ext}: {detail}")
        return outputs[0].read_bytes()


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


def docx_to_text(docx: bytes, *, timeout: float = 180) -> str:
    """Return the text of `docx` as LibreOffice's UTF-8 text export sees it (BOM stripped, ``\\n`` newlines)."""
    raw = convert(docx, "docx", TEXT_TARGET, timeout=timeout, infilter=DOCX_FILTER)
    text = raw.decode("utf-8", "replace").removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")
