"""The console entry (`drafting …` and `python -m drafting …`): as little as a command needs before it is
handed on, because every command pays for this module.

`status`, `log`, `decide` and `mark` are handed to the resident interpreter (drafting/resident.py: the same
`main`, run in a child of a process that has the modules imported) when one runs for this installation and
interpreter set-up, and one is started when none does. Otherwise `drafting.console` runs them here without
click when the line is plain, and anything else goes to click.

`drafting --help` is answered from `HELP`, the page click prints (at 80 columns and wider), without importing
click or any command. tests/test_help_page.py keeps `HELP` equal to click's page; after changing a command's
first docstring line, paste the output of

    python -c "import sys; sys.argv[1:] = ['--help']; from drafting.__main__ import run_click; run_click()"
 No `from __future__ import annotations` (an import of its own): the annotations naming
what is not imported here are strings.
"""

import os
import sys

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: `typing` is not imported for --help
if TYPE_CHECKING:
    from typing import Any

QUICK = ("status", "log", "decide", "mark")
"""The commands the resident runs (and `drafting.console` without click)."""
CLICK_FREE = (*QUICK, "assemble")
"""The commands `drafting.console` runs without click when their command line is plain."""


def main() -> None:
    """Run the CLI with the cyclic garbage collector off.

    A command is a short process whose data is acyclic (frozen dataclasses, tuples, lxml trees), so reference
    counting frees it; the collector would only walk, again and again, the tens of thousands of long-lived
    objects that imports create (a twentieth of a short command). The library API leaves the collector alone.
    """
    if sys.argv[1:] in (["--help"], ["-h"]) and _help_page():
        return
    quick_command = bool(sys.argv[1:2]) and sys.argv[1] in QUICK
    if quick_command and not IN_RESIDENT:
        place = _resident_place()
        if place is not None:
            code = _resident_run(place)
            if isinstance(code, int):
                _exit(code)
            if code == ABSENT:
                _resident_start(place)  # for the next command; this one runs here
    import gc  # (not before: a command handed on does its work elsewhere)

    gc.disable()
    if sys.argv[1:2] and sys.argv[1] in CLICK_FREE:
        from drafting.console import quick

        if quick(sys.argv[1], sys.argv[2:]):
            return
    run_click()


def _exit(code: int) -> None:
    """Leave at once with `code`: the command ran in the resident, and this process has nothing to finish (a
    normal exit would spend a few milliseconds tearing down an interpreter that did nothing)."""
    for stream in (sys.stdout, sys.stderr):
        try:  # noqa: SIM105 -- contextlib is an import these few milliseconds cannot afford
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def run_click() -> None:
    """The click CLI, with the portal's `serve` and the entry's `resident` joined to it when the command line
    may need them."""
    from drafting.cli import cli
    from drafting.cli import main as run

    # The portal is a sibling shell: the CLI does not import it, the entry joins them, and only when the
    # command is `serve`, none (the listing) or unknown (click suggests close names), not for a CLI command.
    name = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), None)
    if name not in cli.commands:
        from drafting.portal.commands import serve

        cli.add_command(serve)
        cli.add_command(_resident_command())
    run()


# -- the resident interpreter (drafting/resident.py) -----------------------------------------------------------

RESIDENT_ENV = "DRAFTING_RESIDENT"
IN_RESIDENT = False
"""True in a resident's child, which runs the command itself."""
RESIDENT_DIR_ENV = "DRAFTING_RESIDENT_DIR"


def _resident_place() -> str | None:
    """The socket of the resident for this installation and interpreter set-up, in a directory of the user's
    own that no one else can enter (made if missing); None when the resident is off, cannot work here, or
    must not: the directory is not safe, or `main` was called by other code than the console entry (a script
    or a test that prepared its process), or the interpreter was customised (sitecustomize)."""
    if (os.environ.get(RESIDENT_ENV, "").strip().lower() in ("0", "off", "no", "false")
            or "_DRAFTING_COMPLETE" in os.environ or not hasattr(os, "fork") or sys.platform != "linux"
            or "sitecustomize" in sys.modules or "usercustomize" in sys.modules):
        return None
    started_as = getattr(sys.modules.get("__main__"), "__file__", None)
    if started_as is None or (os.path.basename(started_as) != "drafting" and started_as != __file__):
        return None
    uid = os.getuid()
    directory = resident_directory()
    try:
        try:  # noqa: SIM105 -- contextlib is an import these few milliseconds cannot afford
            os.mkdir(directory, 0o700)
        except FileExistsError:
            pass
        state = os.lstat(directory)
        name = resident_name()
    except OSError:
        return None
    if not (state.st_mode & 0o170000 == 0o040000 and state.st_uid == uid and state.st_mode & 0o077 == 0):
        return None  # a symbolic link, someone else's, or open to others: not a place for our socket
    place = os.path.join(directory, name)
    return place if len(os.fsencode(place)) < 108 else None  # sun_path holds 108 bytes, its NUL included


def resident_directory() -> str:
    """Where this user's residents keep their sockets, pid files and logs."""
    return os.path.abspath(os.environ.get(RESIDENT_DIR_ENV) or os.path.join(
        os.environ.get("XDG_RUNTIME_DIR") or "/tmp", f"drafting-{os.getuid()}"))  # noqa: S108 -- 0700, checked


def resident_name() -> str:
    """The socket's file name: this package's directory, the environment (sys.prefix) and a checksum of what
    decides which code an interpreter runs and how (its module path, flags, warning and -X options, and the
    PYTHON*, LD_*, LC_* and LANG settings of its environment, and how often the resident checks a record in
    full). The resident computes it again once started and serves only under the name it computes itself."""
    package = os.stat(os.path.dirname(__file__))
    prefix = os.stat(sys.prefix)
    flags = repr(sys.flags).replace("safe_path=True", "safe_path=False")  # the resident starts with -P
    # Settings a process reads once, at its start (the interpreter's, the dynamic linker's, the locale, the
    # resident's full-check period): a client with others gets a resident of its own.
    read_at_start = sorted(f"{name}={value}" for name, value in os.environ.items()
                           if name.startswith(("PYTHON", "LD_", "LC_"))
                           or name in ("LANG", "LANGUAGE", "DRAFTING_RESIDENT_FULL_CHECK"))
    setup = "\0".join((*sys.path, flags, repr(sys.warnoptions), repr(sorted(sys._xoptions.items())),
                       *read_at_start))
    # A polynomial checksum modulo a Mersenne prime, computed in C by int.from_bytes and %: no library loaded.
    checksum = int.from_bytes(setup.encode("utf-8", "surrogateescape"), "big") % ((1 << 61) - 1)
    return f"{package.st_dev:x}-{package.st_ino:x}-{prefix.st_ino:x}-{checksum:015x}.sock"


def _resident_command() -> "Any":
    """`drafting resident [--stop]`, a click command made when the CLI runs (click is not imported before)."""
    import click

    @click.command("resident")
    @click.option("--stop", is_flag=True, help="Stop them (each leaves once its running commands end).")
    def resident(stop: bool) -> None:
        """The resident interpreters that run status, log, decide and mark for this user: list them, or stop
        them (DRAFTING_RESIDENT=0 keeps every command in its own process)."""
        import signal
        from pathlib import Path

        directory = Path(resident_directory())
        running = 0
        for pid_file in sorted(directory.glob("*.pid")) if directory.is_dir() else []:
            base = pid_file.with_suffix("")
            if not _locked(base.with_suffix(".lock")):
                continue  # no resident holds this place (a pid file outlives a resident that was killed)
            try:
                pid = int(pid_file.read_text(encoding="ascii"))
            except (OSError, ValueError):
                continue
            running += 1
            if stop:
                os.kill(pid, signal.SIGTERM)
                click.echo(f"stopped {pid} ({base.name})")
                continue
            log = base.with_suffix(".log")
            lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
            served = sum(" served " in line for line in lines)
            click.echo(f"{pid}  {served} command(s) served  {base.with_suffix('.sock')}")
        if not running:
            click.echo(f"no resident running (in {directory})")

    return resident


def _locked(lock: "Any") -> bool:
    """Whether a resident holds `lock` (it does for its whole life; a killed one's lock is free)."""
    import fcntl

    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


ABSENT, DECLINED = "absent", "declined"


def _resident_run(place: str) -> int | str:
    """Run this command line in the resident at `place`: its exit code; or, with nothing run, ABSENT (no
    resident there, or one leaving) or DECLINED (it cannot take this command line on: this process runs it).

    The resident's child answers its pid (and takes on this process's resource limits, which it reads with
    prlimit); only then does this process say go, so an interruption or a silent
    resident before that leaves nothing run. While the command runs, the signals that would stop this process
    (Ctrl-C, TERM, HUP, QUIT, Ctrl-Z and CONT) are passed on to it."""
    import _socket

    if sys.stdin is None or sys.stdout is None or sys.stderr is None:
        return DECLINED  # a stream closed when Python started: its fd may since name another file
    connection = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        connection.connect(place)
    except OSError:
        connection.close()
        return ABSENT
    try:
        credentials = connection.getsockopt(_socket.SOL_SOCKET, _socket.SO_PEERCRED, 12)
        if int.from_bytes(credentials[4:8], sys.byteorder) != os.getuid():
            connection.close()
            return DECLINED  # not our own resident (the directory was swapped): never hand it anything
        umask = os.umask(0o022)
        os.umask(umask)
        fields = [b"drafting-resident-3", os.fsencode(os.getcwd()), str(umask).encode()]
        for stream in (sys.stdin, sys.stdout, sys.stderr):
            fields += [(stream.encoding or "utf-8").encode(), (stream.errors or "strict").encode()]
        fields.append(str(len(sys.argv)).encode())
        fields += [os.fsencode(arg) for arg in sys.argv]
        fields += [os.fsencode(name) + b"=" + os.fsencode(value) for name, value in os.environ.items()]
        body = b"\0".join(fields)
        connection.settimeout(ANSWER_SECONDS)
        connection.sendall(len(body).to_bytes(4, "big") + body)
        pending = bytearray()
        first = _line(connection, pending)
    except OSError:  # a stream closed, the working directory gone, no answer in time: nothing was run
        connection.close()
        return DECLINED
    except KeyboardInterrupt:
        connection.close()  # before the go: nothing runs
        sys.stderr.write("\nAborted!\n")  # as click's standalone mode
        return 1
    if not (first.startswith(b"P") and first[1:].isdigit()):
        connection.close()  # refused (its code changed: it leaves), declined, or gone: nothing was run
        return ABSENT if first == b"R" else DECLINED
    child = int(first[1:])
    restore = _forward_signals(child)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        connection.settimeout(None)
        fds = b"".join(fd.to_bytes(4, sys.byteorder) for fd in (0, 1, 2))
        connection.sendmsg([b"G"], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, fds)])  # go, with our streams
    except OSError:  # the go could not be sent (a stream closed since): nothing runs
        restore()
        connection.close()
        return DECLINED
    try:
        last = _line(connection, pending)
    except OSError:
        last = b""
    finally:
        restore()
    connection.close()
    if last.startswith(b"X") and last[1:].isdigit():
        return int(last[1:])
    if last == b"D":
        return DECLINED  # it could not take this process's place: nothing was run
    sys.stderr.write("Error: the resident process stopped before the command ended "
                     f"(run again with {RESIDENT_ENV}=0 to run it in this process)\n")
    return 3


ANSWER_SECONDS = 5.0
"""How long to wait for the resident to take a command before running it here (nothing runs without a go)."""


def _forward_signals(child: int) -> "Any":
    """Pass the signals that stop a process on to `child` while it runs the command; a function restoring ours.
    TERM, HUP and QUIT then end this process as they would have (the command ends with them); Ctrl-Z stops
    both, and CONT continues both."""
    import _signal

    def forward(number: int, _frame: object) -> None:
        try:  # noqa: SIM105 -- contextlib is an import these few milliseconds cannot afford
            os.kill(child, number)
        except OSError:
            pass
        if number in ending:
            _signal.signal(number, _signal.SIG_DFL)
            os.kill(os.getpid(), number)

    def stop(_number: int, _frame: object) -> None:
        try:  # noqa: SIM105 -- as above
            os.kill(child, _signal.SIGSTOP)  # Ctrl-Z: the child is in no terminal's process group
        except OSError:
            pass
        os.kill(os.getpid(), _signal.SIGSTOP)

    ending = {_signal.SIGTERM, _signal.SIGHUP, _signal.SIGQUIT}
    handlers: dict[int, Any] = {number: forward for number in (_signal.SIGINT, *ending, _signal.SIGCONT)}
    handlers[_signal.SIGTSTP] = stop
    previous = {number: _signal.signal(number, handler) for number, handler in handlers.items()}

    def restore() -> None:
        for number, handler in previous.items():
            _signal.signal(number, handler)

    return restore


def _line(connection: "Any", pending: bytearray) -> bytes:
    """The next answer line from the resident (b"" at its end); `pending` keeps what came after it."""
    while b"\n" not in pending:
        more = connection.recv(64)
        if not more:
            return b""
        pending += more
    line, _, rest = bytes(pending).partition(b"\n")
    pending[:] = rest
    return line


_RESIDENT_BOOT = ("import json, sys, time; started = time.time(); sys.path[:] = json.loads(sys.argv[2]); "
                  "from drafting.resident import main; main(started)")
"""How a resident starts: with this process's interpreter flags and module path (`-P`: nothing prepended)."""


def _resident_start(place: str) -> None:
    """Start the resident for `place` in its own session, detached from this terminal, its pipes and every
    other file this process has open (a lock, a pipe someone waits on to close)."""
    import json
    import subprocess

    flags = subprocess._args_from_interpreter_flags()  # type: ignore[attr-defined]  # -O, -W, -X … as ours
    argv = [sys.executable, *flags, "-P", "-c", _RESIDENT_BOOT, place, json.dumps(sys.path)]
    try:  # noqa: SIM105 -- as above
        subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         close_fds=True, start_new_session=True)
    except OSError:
        pass  # no resident: commands run in their own process, as they always can


# -- the help page without click ------------------------------------------------------------------------------

def _help_page() -> bool:
    """Print `HELP` as click would; False (nothing printed) where click's page would differ or fail."""
    if sys.stdout is None or "_DRAFTING_COMPLETE" in os.environ or _columns() < 80:
        return False  # no stdout, shell completion, or a narrow terminal: click wraps to its width
    try:
        sys.stdout.write(HELP)
        sys.stdout.flush()
    except UnicodeEncodeError:
        return False  # encoded whole before anything is written: click says what is wrong
    except BrokenPipeError:  # the reader went away, as `drafting.cli.main` handles it
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    return True


def _columns() -> int:
    """`shutil.get_terminal_size().columns`, as click's help formatter asks it, without importing shutil."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    try:
        lines = int(os.environ["LINES"])
    except (KeyError, ValueError):
        lines = 0
    if columns <= 0 or lines <= 0:
        try:
            size = os.get_terminal_size(sys.__stdout__.fileno())  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            size = os.terminal_size((80, 24))
        if columns <= 0:
            columns = size.columns or 80
    return columns


HELP = """Usage: drafting [OPTIONS] COMMAND [ARGS]...

  Draft and negotiate the outcome documents of intergovernmental conferences.

Options:
  --version    Show the version and exit.
  -q, --quiet  No progress display (progress goes to stderr only, and only for
               work over a second).
  -h, --help   Show this message and exit.

Commands:
  accept         Accept every tracked change in FILE and write OUT.
  amendments     List the amendments in FILE: every tracked change,...
  assemble       Assemble SPEC from the clause library into...
  break-silence  Record a delegation's break of the silence on a...
  clauses        The clause library: list, show and check reusable agreed...
  compile        Write the compilation text of all submissions on the...
  concordance    Check that the language versions of SOURCE (a spec or a...
  decide         Record the chair's decisions on amendments.
  finalize       Produce the final authentic version of SOURCE (a...
  import         Turn FILE, a draft drafting never made (.docx, .odt,...
  lint           Report breaches of the drafting conventions (the rules...
  log            Show the negotiation record, oldest first.
  mark           Record the status of paragraphs.
  negotiation    Negotiation workspaces.
  propose        Record a proposal of the chair (Chair/N) for PARAGRAPH...
  redline        Write OUT, a .docx with real tracked changes from OLD to...
  reflect        For each delegation, every one of its proposals across...
  reject         Reject every tracked change in FILE and write OUT.
  resident       The resident interpreters that run status, log, decide...
  revise         Issue the next revision: accepted amendments applied,...
  serve          Serve the delegation portal for the workspaces WS… of...
  silence        Put the current text (or some paragraphs) under silence...
  status         Per paragraph: number, status, amendments and decisions;...
  submit         Record FILES (tracked-changes .docx, clean edited .docx,...
  support        Record DELEGATION as a supporter of each of AMENDMENTS...
  text           Print the text of FILE, one paragraph per line, in the...
  translation    Take FILE (a translated copy made by drafting,...
  users          Accounts for the delegation portal (`drafting serve`):...
  verify         Check a final version: every hash, every text, the...
"""


if __name__ == "__main__":
    main()
