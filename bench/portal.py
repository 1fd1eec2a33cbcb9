"""Benchmark: the delegation portal under a conference's load, on this machine, over loopback.

Set-up (not timed): a workspace on the Almaty sample spec, 193 delegation members invited and their
passwords set (the app-layer operations `drafting users invite` and the invitation page call), and one
return per delegation: every other one a LibreOffice-made .docx with Track Changes
(`examples/almaty-2012/submissions/`, four files in turn), the others an edited Markdown copy of the text
(the seat of the secretariat moved to a city of their own, so every return differs). The clerk publishes
the compilation text once, so there is one to fetch.

Timed: `drafting serve` (one process, as in production) is started on a free loopback port; 193 simulated
delegations (httpx, async, at most `--concurrency` at once, each request bounded by `--timeout`) each
1. GET the login page and POST the login form (argon2id verification),
2. GET the current text,
3. POST the upload (read, size check, hardened parse, preview staged) and GET the preview page,
4. POST the confirmation (parse again, match, store: the CLI's `submit`),
5. GET their submissions page and the published compilation (the page and compilation.html);
and once every delegation is through, each reads its text, submissions and the compilation again while
nobody writes ("after": what a page costs at rest, with 193 returns in the record).

Printed: requests per second over the whole run, p50/p95/p99 latency per kind of request, errors, and
whether every submission was recorded. Goal (issue 16): all 193 submissions recorded, 0 errors, p95 of an
upload (read + parse + store: the upload POST plus the confirmation POST) <= 2 s and of a page <= 200 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
from collections import defaultdict
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work" / "portal"
SPEC = ROOT / "examples" / "almaty-2012" / "recommendations.yaml"
RETURNS = sorted((ROOT / "examples" / "almaty-2012" / "submissions").glob("*.docx"))
PASSWORD = "bench password of sufficient length"
SLUG = "portal"
PAGES = ("login page", "login", "text", "preview", "submissions", "compilation", "compilation.html")
GOAL_UPLOAD = 2.0
GOAL_PAGE = 0.2


def free_port() -> int:
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(count: int) -> tuple[Path, list[tuple[str, Path]]]:
    """The workspace with `count` members invited and their passwords set; one return file each."""
    sys.path.insert(0, str(ROOT))
    from drafting import app as api
    from drafting.app import accounts, delegations
    from drafting.library.world import un_states

    shutil.rmtree(WORK, ignore_errors=True)
    ws = WORK / SLUG
    api.negotiation_init(ws, SPEC, actor="Secretariat")
    api.assemble_to(SPEC, WORK / "base", ("md",))
    base_md = (WORK / "base" / "recommendations.md").read_text(encoding="utf-8")
    assert base_md.count("established in Almaty;") == 1
    people = []
    states = list(un_states())  # the UN's Member States, then its observer States; beyond them, made-up names
    for i in range(1, count + 1):
        email = f"member{i:03d}@delegation{i:03d}.example"
        listed = i <= len(states)
        invitation = accounts.invite(ws, email, "member", states[i - 1] if listed else f"Delegation {i:03d}",
                                     actor="Secretariat", unlisted=not listed)
        accounts.accept_invitation(ws, invitation.token, PASSWORD)
        if i % 2:
            file = RETURNS[(i // 2) % len(RETURNS)]
        else:
            file = WORK / "returns" / f"delegation{i:03d}.md"
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(base_md.replace("established in Almaty;", f"established in City {i:03d};"),
                            encoding="utf-8")
        people.append((email, file))
    clerk = accounts.invite(ws, "clerk@secretariat.example", "clerk", actor="Secretariat")
    session = accounts.accept_invitation(ws, clerk.token, PASSWORD)
    delegations.publish(ws, actor=session.person.actor)
    return ws, people


class Run:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.uploads: list[float] = []  # upload POST + confirmation POST, per delegation


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    if found is None:
        raise RuntimeError(f"no CSRF token in {page.url}")
    return found.group(1)


async def delegation(client: httpx.AsyncClient, base: str, email: str, file: Path, run: Run,
                     gate: asyncio.Semaphore) -> None:

    prefix = f"{base}/w/{SLUG}"

    async def timed(kind: str, method: str, url: str, expect: int = 200, **kwargs: Any) -> httpx.Response:
        start = time.perf_counter()
        answer: httpx.Response = await client.request(method, url, **kwargs)
        run.latency[kind].append(time.perf_counter() - start)
        if answer.status_code != expect:
            raise RuntimeError(f"{kind}: HTTP {answer.status_code}")
        return answer

    async with gate:
        try:
            page = await timed("login page", "GET", f"{prefix}/login")
            csrf = csrf_of(page)
            await timed("login", "POST", f"{prefix}/login", 303,
                        data={"csrf": csrf, "email": email, "password": PASSWORD})
            page = await timed("text", "GET", f"{prefix}/")
            csrf = csrf_of(page)
            answer = await timed("upload", "POST", f"{prefix}/upload", 303, data={"csrf": csrf},
                                 files={"file": (file.name, file.read_bytes(), "application/octet-stream")})
            preview = answer.headers["location"]
            page = await timed("preview", "GET", f"{base}{preview}")
            await timed("submit", "POST", f"{base}{preview}/submit", 303, data={"csrf": csrf})
            run.uploads.append(run.latency["upload"][-1] + run.latency["submit"][-1])
            await timed("submissions", "GET", f"{prefix}/submissions")
            await timed("compilation", "GET", f"{prefix}/compilation")
            await timed("compilation.html", "GET", f"{prefix}/compilation.html")
        except Exception as exc:  # every failure is counted and shown, none stops the others
            run.errors.append(f"{email}: {type(exc).__name__}: {exc}")


async def load(base: str, people: list[tuple[str, Path]], concurrency: int, timeout: float) -> tuple[Run, float]:
    run = Run()
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency * 2, max_keepalive_connections=concurrency * 2)
    start = time.perf_counter()

    tls = ssl.create_default_context()  # made once: httpx would load the CA store for each client
    # one client per delegation: its own cookie jar, as separate browsers have
    clients = [httpx.AsyncClient(timeout=timeout, limits=limits, follow_redirects=False, verify=tls)
               for _ in people]
    try:
        await asyncio.gather(*(delegation(client, base, email, file, run, gate)
                               for client, (email, file) in zip(clients, people, strict=True)))
        elapsed = time.perf_counter() - start
        # After the round: the same delegations read the text and the compilation while nobody writes.
        await asyncio.gather(*(reread(client, base, email, run, gate)
                               for client, (email, _) in zip(clients, people, strict=True)))
    finally:
        for client in clients:
            await client.aclose()
    return run, elapsed


async def reread(client: httpx.AsyncClient, base: str, email: str, run: Run, gate: asyncio.Semaphore) -> None:
    prefix = f"{base}/w/{SLUG}"
    async with gate:
        try:
            for kind, url in (("text", "/"), ("submissions", "/submissions"), ("compilation", "/compilation"),
                              ("compilation.html", "/compilation.html")):
                start = time.perf_counter()
                answer = await client.get(prefix + url)
                run.latency[f"after: {kind}"].append(time.perf_counter() - start)
                if answer.status_code != 200:
                    raise RuntimeError(f"after: {kind}: HTTP {answer.status_code}")
        except Exception as exc:
            run.errors.append(f"{email}: {type(exc).__name__}: {exc}")


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) the server process and the processes it started (its reader of uploaded
    returns) have used so far, from /proc: of each process of the tree, its own and that of its children
    that ended."""
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stats[int(entry.name)] = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
    tree, todo = set(), [pid]
    while todo:
        found = todo.pop()
        tree.add(found)
        todo += [child for child, fields in stats.items() if int(fields[1]) == found and child not in tree]
    ticks = sum(int(stats[p][11]) + int(stats[p][12]) + int(stats[p][13]) + int(stats[p][14])
                for p in tree if p in stats)
    return ticks / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delegations", type=int, default=193)
    parser.add_argument("--concurrency", type=int, default=32, help="delegations at work at once")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    parser.add_argument("--readers", type=int, default=1,
                        help="processes reading returns beside the server's (drafting serve --readers)")
    args = parser.parse_args()

    print(f"preparing {args.delegations} delegations …", flush=True)
    ws, people = prepare(args.delegations)
    port = free_port()
    log = (WORK / "server.log").open("wb")
    server = subprocess.Popen([sys.executable, "-m", "drafting", "serve", str(ws), "--port", str(port),
                               "--readers", str(args.readers)],
                              stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with closing(socket.create_connection(("127.0.0.1", port), timeout=1)):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the portal did not start; see bench/.work/portal/server.log") from None
                time.sleep(0.2)
        cpu_before = server_cpu(server.pid)
        load_before = os.getloadavg()
        run, elapsed = asyncio.run(load(base, people, args.concurrency, args.timeout))
        cpu = server_cpu(server.pid) - cpu_before
        load_after = os.getloadavg()
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()

    sys.path.insert(0, str(ROOT))
    from drafting.app import delegations

    recorded = len({s.delegation for s in delegations.submissions(ws)})
    requests = sum(len(v) for kind, v in run.latency.items() if not kind.startswith("after: "))
    print(f"\n{args.delegations} delegations, at most {args.concurrency} at once, {os.cpu_count()} cores, "
          f"{args.readers} reader process(es)")
    print(f"{requests} requests in {elapsed:.1f} s: {requests / elapsed:.1f} requests/s")
    everything = sum(len(v) for v in run.latency.values())
    print(f"server CPU: {cpu:.1f} s for {everything} requests (the round and after it), "
          f"{cpu / max(everything, 1) * 1000:.0f} ms a request, {cpu / args.delegations:.2f} s a delegation")
    print("load average (1, 5, 15 min) before the timed part " + ", ".join(f"{x:.2f}" for x in load_before)
          + "; after it " + ", ".join(f"{x:.2f}" for x in load_after) + " (other work shares the cores)")
    print(f"{'request':<18}{'n':>5}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}")
    for kind in ("login page", "login", "text", "upload", "preview", "submit", "submissions", "compilation",
                 "compilation.html"):
        values = run.latency.get(kind, [])
        print(f"{kind:<18}{len(values):>5}" + "".join(f"{percentile(values, q) * 1000:>7.0f}ms"
                                                     for q in (0.5, 0.95, 0.99, 1.0)))
    print(f"{'upload + submit':<18}{len(run.uploads):>5}" + "".join(
        f"{percentile(run.uploads, q) * 1000:>7.0f}ms" for q in (0.5, 0.95, 0.99, 1.0)))
    pages = [v for kind in PAGES if kind not in ("login",) for v in run.latency.get(kind, [])]
    print(f"{'pages (GET)':<18}{len(pages):>5}" + "".join(f"{percentile(pages, q) * 1000:>7.0f}ms"
                                                        for q in (0.5, 0.95, 0.99, 1.0)))
    after = [v for kind, values in run.latency.items() if kind.startswith("after: ") for v in values]
    print(f"{'pages, after':<18}{len(after):>5}" + "".join(f"{percentile(after, q) * 1000:>7.0f}ms"
                                                         for q in (0.5, 0.95, 0.99, 1.0)))
    print(f"errors: {len(run.errors)}")
    for error in run.errors[:10]:
        print(f"  {error}")
    print(f"submissions recorded: {recorded} of {args.delegations}")
    upload_p95, page_p95 = percentile(run.uploads, 0.95), percentile(pages, 0.95)
    met = (recorded == args.delegations and not run.errors and upload_p95 <= GOAL_UPLOAD and page_p95 <= GOAL_PAGE)
    print(f"goal (all recorded, 0 errors, upload p95 <= {GOAL_UPLOAD:.0f} s, page p95 <= {GOAL_PAGE * 1000:.0f} ms): "
          f"{'met' if met else 'NOT met'} (upload p95 {upload_p95:.2f} s, page p95 {page_p95 * 1000:.0f} ms "
          f"while returns arrive, {percentile(after, 0.95) * 1000:.0f} ms at rest after the round)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
