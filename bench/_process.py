"""The one way the benches time a command: the whole process, wall and CPU (user + system, from wait4)."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float, bytes]:
    """Run a whole process; (wall seconds, CPU seconds of the process, stdout). Stops the benchmark on failure."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if code != 0:
            raise SystemExit(f"{' '.join(argv)} failed ({code}):\n{err.read().decode(errors='replace')}")
        return elapsed, usage.ru_utime + usage.ru_stime, out.read()
