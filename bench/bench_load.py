"""Load test of the real stack (``make bench``): gunicorn and PostgreSQL on this machine.

1. A throwaway PostgreSQL cluster (``initdb`` in a temporary folder, listening on 127.0.0.1 on
   a free port, the server's default settings: fsync on), as ``scripts/with-postgres`` starts
   one, migrated, holding the demo at ``--units`` units (``manage.py demo --units N``). The
   demo takes minutes to build: its dump is kept under ``var/bench/`` and restored by later
   runs (``--rebuild`` builds it again).
2. One unit editor per client, each for a commune of the cycle open for self-assessment (2027)
   that has not started it, and the leaves each will save, with two values each taken from the
   published cycle's answers.
3. gunicorn (``--workers`` processes of ``--threads`` threads, gthread: a save waiting for its
   group's lock does not hold a whole worker) serving the application with the production
   settings (debug off, persistent database connections, a cache shared by the workers: a file
   cache, ``--cache``) plus one bare view (``load_settings``), on 127.0.0.1; requests come as
   through a TLS proxy (``X-Forwarded-Proto: https``, so secure cookies and CSRF's referer
   check apply).
4. ``--clients`` clients (threads, one keep-alive connection each), signed in through the login
   page. Each saves once first, which takes its unit out of the tie of the units that have not
   started (timed apart: it rewrites the ranks of thousands); every ranking page is read once,
   so that its chart is in the cache as for a published ranking read by many. Then, for
   ``--seconds`` each: the bare view alone, then a mix of scorecard reads (any unit of the
   published cycle, read cold), ranking reads (any page of any group) and leaf saves through
   the self-assessment's save endpoint (htmx, CSRF token, the version last read). Each loop is
   bounded by the time and by ``--max-requests`` per client; the clients do not pause, so the
   latencies are those of a server kept saturated.
5. Throughput, p50/p95/p99 latency and errors for each kind and for the bare view, and their
   ratio; then every acknowledged save is checked in the database (value and version) and in
   the audit trail (one ``answer.value`` event each, the chain intact), and the stored ranks
   of the saved cycle are checked against the cycle computed again by the core.

Run: ``python bench/bench_load.py [--clients 50] [--seconds 60] [--units 5000]``.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
PYTHON = sys.executable
CACHE = ROOT / "var" / "bench"
# A fixed audit key: the kept demo's chain verifies in every run (a throwaway database).
AUDIT_KEY = "bench-load-audit-key-for-a-throwaway-database-only"
PASSWORD = "bench-" + "load-" * 4  # the clients' accounts exist in the throwaway database only
SAVE_CYCLE_YEAR = 2027
READ_CYCLE_YEAR = 2023


# -- the database -------------------------------------------------------------------------------


def pg_bin() -> Path:
    """The server binaries, found as scripts/with-postgres finds them."""
    if os.environ.get("PGBIN"):
        return Path(os.environ["PGBIN"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if found:
        return found[-1]
    return Path(subprocess.check_output(["pg_config", "--bindir"], text=True).strip())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def postgres() -> Iterator[str]:
    """A throwaway cluster on 127.0.0.1; yields its DATABASE_URL; stopped and deleted after."""
    binaries = pg_bin()
    data = Path(tempfile.mkdtemp(prefix="parindex-bench-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    port = free_port()
    started = False
    try:
        subprocess.run(
            as_server_user(
                [
                    str(binaries / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -c listen_addresses=127.0.0.1 -k {data} -c max_connections=200"
        subprocess.run(
            as_server_user(
                [
                    str(binaries / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(data / "server.log"),
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    options,
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )
        started = True
        subprocess.run(
            [
                str(binaries / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "parindex",
            ],
            check=True,
        )
        yield f"postgres://postgres@127.0.0.1:{port}/parindex"
    finally:
        if started:
            subprocess.run(
                as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
                capture_output=True,
            )
        shutil.rmtree(data, ignore_errors=True)


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        PARINDEX_DEBUG="0",
        PARINDEX_SECRET_KEY=secrets.token_urlsafe(50),
        PARINDEX_AUDIT_KEY=AUDIT_KEY,
        PARINDEX_ALLOWED_HOSTS="127.0.0.1,localhost",
        PARINDEX_TRUST_X_FORWARDED_PROTO="1",
        PARINDEX_DB_CONN_MAX_AGE="60",
        PARINDEX_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PARINDEX_VAR_DIR=str(Path(tempfile.gettempdir()) / "parindex-bench-var"),
        PYTHONPATH=os.pathsep.join([str(BENCH), str(ROOT)]),
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, quiet: bool = True) -> None:
    subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        check=True,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def demo_database(database_url: str, units: int, rebuild: bool) -> str:
    """Migrate and fill the database with the demo at ``units`` units: restored from the kept
    dump, else built (and dumped for the next run). Returns what was done."""
    env = app_env(database_url)
    dump = CACHE / f"demo-{units}.dump"
    connection = ["-h", "127.0.0.1", "-p", database_url.rsplit(":", 1)[1].split("/")[0]]
    binaries = pg_bin()
    started = time.perf_counter()
    if dump.exists() and not rebuild:
        subprocess.run(
            [
                str(binaries / "pg_restore"),
                *connection,
                "-U",
                "postgres",
                "-d",
                "parindex",
                "--no-owner",
                "--no-privileges",
                str(dump),
            ],
            check=True,
        )
        manage(env, "migrate", "--noinput")
        analyze(connection)
        took = time.perf_counter() - started
        return f"demo at {units:,} units restored from {dump.name} in {took:.0f} s"
    manage(env, "migrate", "--noinput")
    manage(env, "demo", "--units", str(units))
    built = time.perf_counter() - started
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            str(binaries / "pg_dump"),
            *connection,
            "-U",
            "postgres",
            "-Fc",
            "-f",
            str(dump),
            "parindex",
        ],
        check=True,
    )
    analyze(connection)
    return f"demo at {units:,} units built in {built:.0f} s (kept in {dump.relative_to(ROOT)})"


def analyze(connection: list[str]) -> None:
    """VACUUM ANALYZE, as after any restore: the planner's statistics, and the visibility map
    that lets an index answer a query alone."""
    subprocess.run(
        [str(pg_bin() / "vacuumdb"), *connection, "-U", "postgres", "--analyze", "-q", "parindex"],
        check=True,
    )


# -- in the application's process: accounts, then the checks ------------------------------------


def child_setup(clients: int) -> dict[str, object]:
    """The clients' accounts and what each reads and saves (printed as JSON)."""
    import django

    django.setup()
    from django.utils import timezone

    from parindex.accounts.models import Role, RoleAssignment, User
    from parindex.assessments.models import Assessment, Stage, StageWindow
    from parindex.core.workflow import State
    from parindex.cycles.models import Cycle
    from parindex.frameworks.selectors import core_framework
    from parindex.results.models import Answer, Basis, UnitResult

    published = Cycle.objects.get(year=READ_CYCLE_YEAR)
    saving = Cycle.objects.get(year=SAVE_CYCLE_YEAR)
    fw = core_framework(saving.framework_version)
    # Units that have not started (the demo's added communes, last in code order), each with
    # its own editor; the self-assessment kept open (the kept demo's calendar was set when it
    # was built).
    drafts = list(
        Assessment.objects.filter(cycle=saving, state=State.DRAFT)
        .exclude(unit__answers__cycle=saving)
        .select_related("unit")
        .order_by("-unit__code")
        .distinct()[:clients]
    )
    StageWindow.objects.filter(cycle=saving, stage=Stage.SELF_ASSESSMENT).update(
        closes_at=timezone.now() + datetime.timedelta(days=1)
    )
    if len(drafts) < clients:
        raise SystemExit(f"only {len(drafts)} units without answers in {SAVE_CYCLE_YEAR}")
    unit_type = drafts[0].unit.type
    declared = {leaf.code for leaf in fw.declared_leaves(unit_type)}
    values: dict[str, set[str]] = defaultdict(set)
    for leaf_code, value in (
        Answer.objects.filter(cycle=published, unit__type=unit_type, leaf_code__in=declared)
        .exclude(value="")
        .values_list("leaf_code", "value")[:200_000]
    ):
        if len(values[leaf_code]) < 2:
            values[leaf_code].add(value)
    leaves = sorted((code, sorted(found)) for code, found in values.items() if len(found) == 2)
    plan_clients = []
    for n, assessment in enumerate(drafts, start=1):
        username = f"bench.editor.{n:03d}"
        user, _ = User.objects.get_or_create(username=username, defaults={"full_name": username})
        user.set_password(PASSWORD)
        user.save()
        RoleAssignment.objects.get_or_create(user=user, role=Role.UNIT_EDITOR, unit=assessment.unit)
        plan_clients.append({"username": username, "unit": assessment.unit.code})
    groups = [
        (group, count)
        for group, count in Counter(
            UnitResult.objects.filter(cycle=published, basis=Basis.FINAL).values_list(
                "group", flat=True
            )
        ).items()
    ]
    codes = list(
        UnitResult.objects.filter(cycle=published, basis=Basis.FINAL).values_list(
            "unit__code", flat=True
        )
    )
    return {
        "published": published.pk,
        "saving": saving.pk,
        "units": codes,
        "groups": groups,
        "leaves": leaves,
        "clients": plan_clients,
    }


def child_verify(saves_file: Path) -> dict[str, object]:
    """Every acknowledged save in the database and the audit trail; the chain intact; the
    stored ranks of the saved cycle those of a computation now."""
    import django

    django.setup()
    from django.db import transaction

    from parindex.audit.models import AuditEvent
    from parindex.audit.verify import verify_chain
    from parindex.cycles.models import Cycle
    from parindex.results.models import Answer, Basis, UnitResult
    from parindex.results.services import cycle_result

    saves = json.loads(saves_file.read_text())
    saving = Cycle.objects.get(year=SAVE_CYCLE_YEAR)
    stored = {
        (unit, leaf): (value, version)
        for unit, leaf, value, version in Answer.objects.filter(cycle=saving).values_list(
            "unit__code", "leaf_code", "value", "version"
        )
    }
    audited = Counter(
        AuditEvent.objects.filter(cycle=saving, action="answer.value").values_list(
            "unit__code", "leaf_code"
        )
    )
    lost = wrong_audit = 0
    acknowledged = 0
    for unit, leaf, last_value, count in saves:
        acknowledged += count
        if stored.get((unit, leaf)) != (last_value, count):
            lost += 1
        if audited[(unit, leaf)] != count:
            wrong_audit += 1
    chain = verify_chain()
    rank_problems = 0
    with transaction.atomic():
        for basis in (Basis.SELF, Basis.FINAL):
            result = cycle_result(cycle=saving, basis=basis)
            expected = {
                u.unit.code: (position, u.rank, u.index) for position, u in enumerate(result.units)
            }
            for code, position, rank, index in UnitResult.objects.filter(
                cycle=saving, basis=basis
            ).values_list("unit__code", "position", "rank", "index"):
                want = expected.get(code)
                if want is None or (want[1], want[2]) != (rank, index) or want[0] != position:
                    rank_problems += 1
    return {
        "acknowledged": acknowledged,
        "leaves": len(saves),
        "lost": lost,
        "audit_mismatches": wrong_audit,
        "chain_ok": chain.ok,
        "chain_events": chain.count,
        "rank_problems": rank_problems,
    }


def run_child(env: dict[str, str], *args: str) -> dict[str, object]:
    done = subprocess.run(
        [PYTHON, __file__, "--child", *args],
        capture_output=True,
        text=True,
        env={**env, "DJANGO_SETTINGS_MODULE": "parindex.settings"},
    )
    if done.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# -- the server ------------------------------------------------------------------------------


@contextmanager
def gunicorn(env: dict[str, str], workers: int, threads: int) -> Iterator[int]:
    port = free_port()
    command = [
        str(Path(PYTHON).with_name("gunicorn")),
        "parindex.wsgi:application",
        f"--workers={workers}",
        f"--threads={threads}",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        "--timeout=120",
        "--keep-alive=30",
    ]
    server = subprocess.Popen(
        command, env={**env, "DJANGO_SETTINGS_MODULE": "load_settings"}, cwd=ROOT
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/bench/bare/", headers={"X-Forwarded-Proto": "https"})
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.3)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


# -- the clients -----------------------------------------------------------------------------


VERSION = re.compile(r'name="version" value="(\d+)"')
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Client:
    port: int
    username: str
    unit: str
    cookies: dict[str, str] = field(default_factory=dict)
    connection: http.client.HTTPConnection | None = None
    versions: dict[str, int] = field(default_factory=dict)  # leaf → version last saved
    saved: Counter[str] = field(default_factory=Counter)  # leaf → saves acknowledged

    def request(
        self, method: str, path: str, body: dict[str, str] | None = None, htmx: bool = False
    ) -> tuple[int, str]:
        origin = f"https://127.0.0.1:{self.port}"
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "Accept-Language": "vi",
            "Referer": origin + path,
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = origin
            if "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        if htmx:
            headers["HX-Request"] = "true"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = None  # the server closed an idle keep-alive connection
                if attempt == 2:
                    raise
            except Exception:
                self.connection.close()  # a timeout: the next request opens a new connection
                self.connection = None
                raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        return response.status, text

    def login(self) -> None:
        status, page = self.request("GET", "/accounts/login/")
        token = TOKEN.search(page)
        if status != 200 or token is None:
            raise RuntimeError(f"login page: {status}")
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token[1]},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login of {self.username}: {status}")


@dataclass
class Outcome:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    saves: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def client_loop(
    client: Client,
    plan: dict[str, object],
    mix: list[tuple[str, float]],
    deadline: float,
    max_requests: int,
    outcome: Outcome,
    seed: int,
) -> None:
    rng = random.Random(seed)
    units: list[str] = plan["units"]  # type: ignore[assignment]
    groups: list[tuple[str, int]] = plan["groups"]  # type: ignore[assignment]
    leaves: list[tuple[str, list[str]]] = plan["leaves"]  # type: ignore[assignment]
    versions, saved = client.versions, client.saved
    kinds = [kind for kind, _ in mix]
    weights = [weight for _, weight in mix]
    done = 0
    while time.monotonic() < deadline and done < max_requests:
        kind = rng.choices(kinds, weights)[0]
        body = None
        htmx = False
        leaf_code = value = ""
        if kind == "bare":
            path = "/bench/bare/"
        elif kind == "scorecard":
            path = f"/cycles/{plan['published']}/units/{quote(rng.choice(units))}/"
        elif kind == "ranking":
            group, size = rng.choice(groups)
            page = rng.randint(1, max(1, -(-size // 100)))
            path = f"/cycles/{plan['published']}/?" + urlencode({"group": group, "page": page})
        else:
            leaf_code, options = leaves[done % len(leaves)]
            value = options[saved[leaf_code] % 2]
            path = f"/assessments/{plan['saving']}/{quote(client.unit)}/leaves/{leaf_code}/"
            body = {"raw": value, "version": str(versions.get(leaf_code, 0))}
            htmx = True
        started = time.perf_counter()
        try:
            status, text = client.request("POST" if body else "GET", path, body, htmx)
        except (OSError, http.client.HTTPException) as exc:
            with outcome.lock:
                outcome.errors[f"{kind}: {type(exc).__name__}"] += 1
            done += 1
            continue
        elapsed = time.perf_counter() - started
        done += 1
        ok = status == 200
        if kind == "save" and ok:
            found = VERSION.search(text)
            ok = found is not None and int(found[1]) == versions.get(leaf_code, 0) + 1
            if ok and found is not None:
                versions[leaf_code] = int(found[1])
                saved[leaf_code] += 1
                with outcome.lock:
                    outcome.saves[(client.unit, leaf_code)] = (value, versions[leaf_code])
        with outcome.lock:
            if ok:
                outcome.latencies[kind].append(elapsed)
            else:
                outcome.errors[f"{kind}: HTTP {status}"] += 1


def run_phase(
    port: int,
    plan: dict[str, object],
    mix: list[tuple[str, float]],
    seconds: float,
    max_requests: int,
    signed_in: list[Client],
) -> tuple[Outcome, float]:
    outcome = Outcome()
    deadline = time.monotonic() + seconds
    started = time.perf_counter()
    threads = [
        threading.Thread(
            target=client_loop,
            args=(client, plan, mix, deadline, max_requests, outcome, n),
            daemon=True,
        )
        for n, client in enumerate(signed_in)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 180)
    return outcome, time.perf_counter() - started


def warm_up(client: Client, plan: dict[str, object]) -> int:
    """Read every page of every group of the published ranking once: its chart (Vega-Lite
    rendered to SVG, most of a ranking page's time) is then in the cache, as it is for a
    published ranking read by many; scorecards, one per unit, are read cold."""
    groups: list[tuple[str, int]] = plan["groups"]  # type: ignore[assignment]
    count = 0
    for group, size in groups:
        for page in range(1, -(-size // 100) + 1):
            query = urlencode({"group": group, "page": page})
            client.request("GET", f"/cycles/{plan['published']}/?{query}")
            count += 1
    return count


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report_rows(outcome: Outcome, elapsed: float) -> list[tuple[str, str, str, str, str, str, str]]:
    rows = []
    every: list[float] = []
    errors_total = sum(outcome.errors.values())
    for kind in sorted(outcome.latencies):
        found = outcome.latencies[kind]
        every += found
        errors = sum(n for k, n in outcome.errors.items() if k.startswith(kind + ":"))
        rows.append(
            (
                kind,
                f"{len(found):,}",
                f"{len(found) / elapsed:.1f}/s",
                f"{statistics.median(found) * 1000:.0f} ms",
                f"{percentile(found, 0.95) * 1000:.0f} ms",
                f"{percentile(found, 0.99) * 1000:.0f} ms",
                str(errors),
            )
        )
    if len(outcome.latencies) > 1 and every:
        rows.append(
            (
                "all",
                f"{len(every):,}",
                f"{len(every) / elapsed:.1f}/s",
                f"{statistics.median(every) * 1000:.0f} ms",
                f"{percentile(every, 0.95) * 1000:.0f} ms",
                f"{percentile(every, 0.99) * 1000:.0f} ms",
                str(errors_total),
            )
        )
    return rows


def table(rows: list[tuple[str, ...]]) -> None:
    head = ("requests", "count", "throughput", "p50", "p95", "p99", "errors")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for row in [head, *rows]:
        print(
            "  "
            + "  ".join(
                c.rjust(w) if i else c.ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--max-requests", type=int, default=100_000, help="per client and phase")
    parser.add_argument("--mix", default="scorecard=4,ranking=3,save=3")
    parser.add_argument("--rebuild", action="store_true", help="build the demo again")
    parser.add_argument(
        "--cache",
        choices=("file", "local"),
        default="file",
        help="file: one file cache shared by the workers (docs/deployment.md); local: each "
        "worker's own memory (the settings' default, for one process)",
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, value = args.child
        figures = child_setup(int(value)) if kind == "setup" else child_verify(Path(value))
        print(json.dumps(figures))
        return 0
    mix = [(k, float(w)) for k, _, w in (part.partition("=") for part in args.mix.split(","))]
    load = os.getloadavg()
    print(
        f"load test: {args.clients} clients × {args.seconds:.0f} s per phase, gunicorn "
        f"{args.workers} workers × {args.threads} threads, PostgreSQL on loopback; "
        f"{os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )
    with postgres() as database_url, tempfile.TemporaryDirectory() as tmp:
        print("  " + demo_database(database_url, args.units, args.rebuild))
        cache = {"PARINDEX_CACHE_DIR": str(Path(tmp) / "cache")} if args.cache == "file" else {}
        env = app_env(database_url, **cache)
        manage(env, "collectstatic", "--noinput")
        plan = run_child(env, "setup", str(args.clients))
        with gunicorn(env, args.workers, args.threads) as port:
            clients = [
                Client(port, c["username"], c["unit"])
                for c in plan["clients"]  # type: ignore[attr-defined]
            ]
            started = time.perf_counter()
            for client in clients:
                client.login()
            print(f"  {len(clients)} clients signed in in {time.perf_counter() - started:.1f} s")
            # Every client's unit leaves the tie of the units that have not started: its first
            # save ranks it above thousands and rewrites their ranks and positions (a cycle's
            # first days); the load test measures the saves after it.
            first, first_s = run_phase(port, plan, [("save", 1.0)], 600, 1, clients)
            print(
                f"  first save of each client's unit ({len(first.latencies['save'])} saves, "
                f"{sum(first.errors.values())} errors, out of a tie of thousands): "
                f"{first_s:.1f} s, p50 {statistics.median(first.latencies['save']) * 1000:.0f} ms"
            )
            started = time.perf_counter()
            pages = warm_up(clients[0], plan)
            print(
                f"  every ranking page read once first ({pages} pages, charts rendered into the "
                f"{args.cache} cache) in {time.perf_counter() - started:.0f} s"
            )
            bare, bare_s = run_phase(
                port, plan, [("bare", 1.0)], args.seconds, args.max_requests, clients
            )
            mixed, mixed_s = run_phase(port, plan, mix, args.seconds, args.max_requests, clients)
        print(f"  bare Django view ({bare_s:.0f} s):")
        table(report_rows(bare, bare_s))
        print(f"  mixed: {args.mix} ({mixed_s:.0f} s):")
        table(report_rows(mixed, mixed_s))
        for name, count in sorted({**first.errors, **bare.errors, **mixed.errors}.items()):
            print(f"    error {name}: {count}")
        bare_rate = len(bare.latencies["bare"]) / bare_s
        mixed_rate = sum(len(v) for v in mixed.latencies.values()) / mixed_s
        every = [x for v in mixed.latencies.values() for x in v]
        print(
            f"  ratio mixed / bare: throughput {mixed_rate / bare_rate:.2f}, p50 "
            f"{statistics.median(every) / statistics.median(bare.latencies['bare']):.1f}×"
        )
        saves_file = Path(tmp) / "saves.json"
        # The version a save acknowledged is how many saves of the leaf were acknowledged.
        saves_file.write_text(
            json.dumps(
                [[*key, value, n] for key, (value, n) in (first.saves | mixed.saves).items()]
            )
        )
        checks = run_child(env, "verify", str(saves_file))
        print(
            f"  acknowledged saves {checks['acknowledged']:,} on {checks['leaves']:,} leaves: "
            f"lost {checks['lost']}, audit events missing or extra {checks['audit_mismatches']}; "
            f"audit chain {'intact' if checks['chain_ok'] else 'BROKEN'} "
            f"({checks['chain_events']:,} events); stored ranks differing from a computation "
            f"now {checks['rank_problems']}"
        )
        failed = (
            sum(first.errors.values())
            + sum(bare.errors.values())
            + sum(mixed.errors.values())
            + int(checks["lost"])  # type: ignore[call-overload]
            + int(checks["audit_mismatches"])  # type: ignore[call-overload]
            + int(checks["rank_problems"])  # type: ignore[call-overload]
            + (0 if checks["chain_ok"] else 1)
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
