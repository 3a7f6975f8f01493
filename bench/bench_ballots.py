#!/usr/bin/env python3
"""Ballot submissions per second through the real app, served by gunicorn (2 sync workers).

    python bench/bench_ballots.py [--db sqlite|postgresql|both] [--residents N] [--clients C]

For each database:

1. Set-up, in this process, through the app's own services and models: a rural district with N
   confirmed, verified residents (one shared Argon2id hash for all), a contest with 10 feasible
   projects taken through draft → proposals → review → voting (approval ballot, k = 3). The
   schema comes from the Alembic migrations (``flask db upgrade``).
2. gunicorn serves ``wsgi:app`` unchanged: 2 sync workers on 127.0.0.1 and a free port.
3. C client threads (http.client, one TCP connection per request) act as the residents:
   sign in (the first ``--real-logins`` residents through the login form with its CSRF token;
   see "sign-in" below), open the ballot page (CSRF token), then — all clients released
   together — POST the ballot. Only the POST phase is timed for ballots/s and latency. Neither
   phase starts new requests after ``--phase-seconds`` (20), so a busy machine votes with fewer
   residents instead of running for many minutes; the table says how many were sent.
4. Hostile phase: 20 residents kept aside each submit 5 different ballots at the same moment;
   10 residents who already voted send 5 more at once. Exactly one (resp. none) may be accepted;
   the others must be refused with 422, never a 5xx.
5. Bare ``GET /healthz`` for comparison.
6. Integrity, read from the database after gunicorn has stopped: one ballot per resident, as
   many ballots as residents who submitted, each with the choices of the accepted request,
   exactly one ``ballot.cast`` audit entry per ballot with the ballot's digest, no tampered
   ballot, and ``civic.core.audit.verify_chain()`` intact. Any failure → exit status 1.

Sign-in: every login verifies an Argon2id hash (m = 64 MiB, t = 3, p = 4), about 0.1–0.5 s of
both cores each; 2,000 real logins would take minutes and measure Argon2, not ballots. So the
first ``--real-logins`` residents (default: one per client, at most 8) sign in through the form, and
the others get their sign-in made at set-up by the same code a login runs after the password
check: ``accounts.services.start_session`` (the server-side LoginSession row) and Flask's own
signed session cookie holding what ``login_user`` stores (``_user_id``, ``_fresh``, ``_id``,
``_permanent``). ``--real-logins all`` signs everybody in through the form.

Never touches the PostgreSQL database ``test`` (the test suite's): it drops and recreates
``ortaq_bench`` on each run and leaves it for inspection.
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.appenv import app_env, dispose, patched_environ, recreate_pg_database  # noqa: E402

PG_BENCH_DB = "ortaq_bench"
PASSWORD = "bench ballots spring meadow 2026"
USER_AGENT = "ortaq-bench/1.0"
N_PROJECTS = 10
MAX_CHOICES = 3
HOSTILE_COPIES = 5
HOSTILE_RESIDENTS = 20     # kept aside, each sends 5 ballots at once
REPLAY_RESIDENTS = 10      # have voted, send 5 more at once
WORKERS = 2


# --------------------------------------------------------------------------- set-up (in process)

@dataclass
class Resident:
    idx: int
    email: str
    voter_key: str
    cookie: str | None            # prepared Flask session cookie, or None for a real login
    jar: dict = field(default_factory=dict)
    csrf: str | None = None


@dataclass
class Setup:
    slug: str
    project_ids: list[int]
    residents: list[Resident]
    audit_rows_before: int


def build(env: dict, n_residents: int, real_logins: int, seed: int) -> Setup:
    with patched_environ(env):
        from flask_migrate import upgrade

        from civic import create_app
        from civic.accounts.iin import iin_hmac
        from civic.accounts.models import Residency, RoleAssignment, User
        from civic.accounts.passwords import hash_password
        from civic.accounts.services import start_session
        from civic.communities.models import RoleKind, TerritoryKind
        from civic.communities.services import create_territory
        from civic.contests import projects as project_service
        from civic.contests import services as contest_service
        from civic.contests.ballots import voter_key
        from civic.contests.models import BallotKind, Category, Phase, TallyRule
        from civic.core.audit import AuditEntry
        from civic.core.database import utcnow
        from civic.extensions import db, login_manager
        from tests.factories import valid_iin
        import sqlalchemy as sa

        app = create_app()
        rng = random.Random(seed)
        with app.app_context():
            upgrade()  # flask db upgrade: the schema from migrations/
            shared_hash = hash_password(PASSWORD)  # one Argon2id hash, reused by every account
            region = create_territory(None, kind=TerritoryKind.REGION, parent=None, slug="bench-oblysy",
                                      name_kk="Бенч облысы", name_ru="Бенч область")
            district = create_territory(None, kind=TerritoryKind.DISTRICT, parent=region, slug="bench-audany",
                                        name_kk="Бенч ауданы", name_ru="Бенч район")
            rural = create_territory(None, kind=TerritoryKind.RURAL_DISTRICT, parent=district, slug="bench-auyly",
                                     name_kk="Бенч ауылдық округі", name_ru="Бенч сельский округ",
                                     akimat_name_kk="Бенч ауылдық округі әкімінің аппараты",
                                     akimat_name_ru="Аппарат акима Бенч сельского округа",
                                     population=n_residents)
            now = utcnow()
            staff = User(email="staff@ortaq-bench.kz", surname="Сейітова", given_name="Гүлнар",
                         password_hash=shared_hash, confirmed_at=now)
            db.session.add(staff)
            db.session.flush()
            db.session.add(RoleAssignment(user_id=staff.id, territory_id=rural.id, kind=RoleKind.STAFF))

            users = [User(email=f"voter{i:05d}@ortaq-bench.kz", surname="Тестов", given_name=f"Сайлаушы {i}",
                          password_hash=shared_hash, confirmed_at=now, locale="kk")
                     for i in range(n_residents)]
            db.session.add_all(users)
            db.session.flush()
            iins: set[str] = set()
            while len(iins) < n_residents:
                iins.add(valid_iin(rng))
            fingerprints = [iin_hmac(iin) for iin in sorted(iins)]
            rng.shuffle(fingerprints)
            db.session.add_all([Residency(user_id=u.id, territory_id=rural.id, iin_hmac=fp, method="register")
                                for u, fp in zip(users, fingerprints)])
            db.session.flush()

            contest = contest_service.create_contest(
                staff, rural, title="Бенч конкурсы", description="Load test.", categories=list(Category),
                funding=[("budget", 100_000_000, "bench")], ballot_kind=BallotKind.APPROVAL,
                max_choices=MAX_CHOICES, min_choices=1, tally_rule=TallyRule.GREEDY)
            contest_service.advance_phase(staff, contest)            # proposals
            made = [project_service.propose(users[0], contest, title=f"Жоба {n}", description="Сипаттама.",
                                            category=list(Category)[n % len(Category)], address=f"Көше {n}",
                                            estimated_cost=1_000_000 + 250_000 * n)
                    for n in range(N_PROJECTS)]
            contest_service.advance_phase(staff, contest)            # review
            for project in made:
                project_service.review(staff, project, feasible=True, reason="Орындауға болады.",
                                       final_cost=project.estimated_cost)
            contest_service.advance_phase(staff, contest)            # voting
            assert contest.phase == Phase.VOTING

            # Sign-ins made the way a login makes them (see the module docstring).
            tokens = {}
            for i, user in enumerate(users):
                if i >= real_logins:
                    tokens[i] = start_session(user, USER_AGENT)
            db.session.commit()

            with app.test_request_context("/", headers={"User-Agent": USER_AGENT},
                                          environ_base={"REMOTE_ADDR": "127.0.0.1"}):
                identifier = login_manager._session_identifier_generator()
            signer = app.session_interface.get_signing_serializer(app)
            residents = []
            for i, (user, fp) in enumerate(zip(users, fingerprints)):
                cookie = None
                if i in tokens:
                    cookie = signer.dumps({"_permanent": True, "_user_id": tokens[i], "_fresh": True,
                                           "_id": identifier})
                residents.append(Resident(i, user.email, voter_key(contest, fp), cookie))
            setup = Setup(contest.slug, sorted(p.id for p in made), residents,
                          db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)))
            dispose(db)
        return setup


# --------------------------------------------------------------------------- gunicorn

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, env: dict, log_path: Path):
        self.port = free_port()
        self.log_path = log_path
        full_env = {k: v for k, v in os.environ.items()
                    if k not in patched_environ.KEYS}
        full_env.update(env)
        cmd = [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--worker-class", "sync",
               "--bind", f"127.0.0.1:{self.port}", "--backlog", "2048", "--timeout", "60",
               "--chdir", str(ROOT), "--log-level", "warning", "wsgi:app"]
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.proc.returncode}); see {log_path}:\n{self.log_tail()}")
            try:
                if request(self.port, "GET", "/healthz", {})[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            self.stop()
            raise RuntimeError("gunicorn did not answer /healthz within 60 s")
        time.sleep(0.5)  # let the second worker finish importing the app

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


# --------------------------------------------------------------------------- HTTP client

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PROJECT_RE = re.compile(r'name="project" value="(\d+)"')


def request(port: int, method: str, path: str, jar: dict, form=None, update_jar: bool = True):
    """One request on a new connection (gunicorn's sync workers close each one anyway)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"User-Agent": USER_AGENT, "Accept-Language": "kk"}
    if jar:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
    body = None
    if form is not None:
        body = urlencode(form, doseq=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        if update_jar:
            for cookie in resp.msg.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                value = rest.split(";", 1)[0]
                if value and "Max-Age=0" not in cookie:
                    jar[name.strip()] = value
                else:
                    jar.pop(name.strip(), None)
        return resp.status, resp.getheader("Location") or "", data.decode("utf-8", "replace")
    finally:
        conn.close()


def pct(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


@dataclass
class Outcome:
    statuses: Counter = field(default_factory=Counter)
    latencies: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    wall: float = 0.0

    @property
    def count(self) -> int:
        return sum(self.statuses.values())

    def ms(self, p) -> float:
        return pct(self.latencies, p) * 1000


def run_threads(n: int, target) -> None:
    threads = [threading.Thread(target=target, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


# --------------------------------------------------------------------------- phases

def phase_logins(port: int, groups: list[list[Resident]], failures: list) -> Outcome:
    out = Outcome()
    lock = threading.Lock()

    def client(c):
        for r in groups[c]:
            if r.cookie is not None:
                r.jar["session"] = r.cookie
                r.jar["lang"] = "kk"   # a sign-in also sets the language cookie to the account's locale
                continue
            try:
                status, _, page = request(port, "GET", "/account/login", r.jar)
                token = CSRF_RE.search(page)
                if status != 200 or not token:
                    with lock:
                        failures.append(f"login page for {r.email}: HTTP {status}")
                    continue
                t0 = time.perf_counter()
                status, location, _ = request(port, "POST", "/account/login", r.jar,
                                              {"csrf_token": token.group(1), "email": r.email, "password": PASSWORD})
                dt = time.perf_counter() - t0
            except OSError as error:
                with lock:
                    out.errors.append(f"login of {r.email}: {error!r}")
                continue
            with lock:
                out.statuses[status] += 1
                out.latencies.append(dt)
                if status != 303 or "session" not in r.jar:
                    failures.append(f"login of {r.email}: HTTP {status} (expected 303 and a session cookie)")

    t0 = time.perf_counter()
    run_threads(len(groups), client)
    out.wall = time.perf_counter() - t0
    return out


def phase_ballot_pages(port: int, slug: str, groups, project_ids, seconds: float, failures) -> Outcome:
    """Each resident opens the ballot page (its CSRF token); no new page after ``seconds``."""
    out = Outcome()
    lock = threading.Lock()
    path = f"/contests/{slug}/ballot"
    deadline = time.perf_counter() + seconds

    def client(c):
        for r in groups[c]:
            if time.perf_counter() > deadline:
                break
            t0 = time.perf_counter()
            try:
                status, location, page = request(port, "GET", path, r.jar)
            except OSError as error:
                with lock:
                    out.errors.append(f"ballot page for {r.email}: {error!r}")
                continue
            dt = time.perf_counter() - t0
            token = CSRF_RE.search(page)
            offered = sorted(int(x) for x in PROJECT_RE.findall(page))
            with lock:
                out.statuses[status] += 1
                out.latencies.append(dt)
                if status != 200 or not token:
                    failures.append(f"ballot page for {r.email}: HTTP {status} {location}")
                elif offered != project_ids:
                    failures.append(f"ballot page for {r.email} offers {offered}, expected {project_ids}")
            if token:
                r.csrf = token.group(1)

    t0 = time.perf_counter()
    run_threads(len(groups), client)
    out.wall = time.perf_counter() - t0
    return out


def _ballot_form(r: Resident, choice: list[int]):
    return [("csrf_token", r.csrf)] + [("project", pid) for pid in choice]


def phase_ballots(port: int, slug: str, groups, choices: dict, accepted: dict, sent: set, seconds: float,
                  failures) -> Outcome:
    """Every client POSTs its residents' ballots; all clients start together; only POSTs are timed.

    No new ballot is sent after ``seconds`` (a slow or busy machine still finishes in time).
    """
    out = Outcome()
    lock = threading.Lock()
    path = f"/contests/{slug}/ballot"
    start = threading.Barrier(len(groups) + 1)

    def client(c):
        start.wait()
        deadline = time.perf_counter() + seconds
        for r in groups[c]:
            if time.perf_counter() > deadline:
                break
            with lock:
                sent.add(r.idx)
            t0 = time.perf_counter()
            try:
                status, location, _ = request(port, "POST", path, r.jar, _ballot_form(r, choices[r.idx]))
            except OSError as error:
                with lock:
                    out.errors.append(f"{r.email}: {error!r}")
                continue
            dt = time.perf_counter() - t0
            with lock:
                out.statuses[status] += 1
                out.latencies.append(dt)
                if status == 303 and location.endswith(f"/contests/{slug}/ballot/done"):
                    accepted[r.idx].append(choices[r.idx])
                else:
                    failures.append(f"ballot of {r.email}: HTTP {status} {location}")

    threads = [threading.Thread(target=client, args=(c,), daemon=True) for c in range(len(groups))]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    out.wall = time.perf_counter() - t0
    return out


def phase_hostile(port: int, slug: str, residents: list[Resident], copies: dict, accepted: dict,
                  sent: set, clients: int, failures) -> Outcome:
    """Each resident sends HOSTILE_COPIES ballots at the same instant (threads behind a barrier)."""
    out = Outcome()
    lock = threading.Lock()
    path = f"/contests/{slug}/ballot"
    at_once = max(1, clients // HOSTILE_COPIES)   # residents attacked in parallel

    def attack(r: Resident):
        barrier = threading.Barrier(HOSTILE_COPIES)
        results = []

        def one(n):
            choice = copies[r.idx][n]
            barrier.wait(timeout=60)
            t0 = time.perf_counter()
            try:
                status, location, _ = request(port, "POST", path, dict(r.jar), _ballot_form(r, choice),
                                              update_jar=False)
            except OSError as error:
                status, location = None, repr(error)
            dt = time.perf_counter() - t0
            with lock:
                results.append((status, location, choice))
                out.latencies.append(dt)
                if status is None:
                    out.errors.append(f"{r.email}: {location}")
                else:
                    out.statuses[status] += 1

        run_threads(HOSTILE_COPIES, one)
        return results

    def group(g):
        for r in residents[g::at_once]:
            with lock:
                sent.add(r.idx)
            results = attack(r)
            ok = [choice for status, _, choice in results if status == 303]
            refused = [s for s, _, _ in results if s == 422]
            with lock:
                accepted[r.idx].extend(ok)
                expected_ok = 0 if accepted_before[r.idx] else 1
                if len(ok) != expected_ok or len(refused) != HOSTILE_COPIES - expected_ok:
                    failures.append(f"hostile {r.email}: statuses {sorted(str(s) for s, _, _ in results)}, "
                                    f"expected {expected_ok}×303 and {HOSTILE_COPIES - expected_ok}×422")

    accepted_before = {r.idx: len(accepted[r.idx]) for r in residents}
    t0 = time.perf_counter()
    run_threads(at_once, group)
    out.wall = time.perf_counter() - t0
    return out


def phase_healthz(port: int, clients: int, seconds: float, failures) -> Outcome:
    out = Outcome()
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client(c):
        statuses, lat = Counter(), []
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            try:
                status, _, _ = request(port, "GET", "/healthz", {})
            except OSError as error:
                with lock:
                    out.errors.append(f"/healthz: {error!r}")
                continue
            lat.append(time.perf_counter() - t0)
            statuses[status] += 1
        with lock:
            out.statuses.update(statuses)
            out.latencies.extend(lat)

    t0 = time.perf_counter()
    run_threads(clients, client)
    out.wall = time.perf_counter() - t0
    if set(out.statuses) != {200}:
        failures.append(f"/healthz statuses: {dict(out.statuses)}")
    return out


# --------------------------------------------------------------------------- integrity (in process)

def verify(env: dict, setup: Setup, accepted: dict, submitted: set[int]) -> tuple[list[str], int, int]:
    """The problems found, the number of ballots and the number of audit rows verified."""
    problems = []
    with patched_environ(env):
        import sqlalchemy as sa

        from civic import create_app
        from civic.contests.ballots import tampered_ballots
        from civic.contests.models import Ballot, Contest
        from civic.core.audit import AuditEntry, verify_chain
        from civic.extensions import db

        app = create_app()
        with app.app_context():
            contest = db.session.scalar(sa.select(Contest).where(Contest.slug == setup.slug))
            ballots = db.session.scalars(sa.select(Ballot).where(Ballot.contest_id == contest.id)).all()
            by_key = defaultdict(list)
            for ballot in ballots:
                by_key[ballot.voter_key].append(ballot)
            residents = {r.voter_key: r for r in setup.residents}

            if len(ballots) != len(submitted):
                problems.append(f"{len(ballots)} ballots for {len(submitted)} residents who submitted")
            for key, found in by_key.items():
                if key not in residents:
                    problems.append(f"ballot(s) {[b.id for b in found]} belong to no resident")
                if len(found) > 1:
                    problems.append(f"{len(found)} ballots for one voter: {[b.id for b in found]}")
            for idx in sorted(submitted):
                r = setup.residents[idx]
                found = by_key.get(r.voter_key, [])
                if len(accepted[idx]) != 1:
                    problems.append(f"{r.email}: {len(accepted[idx])} submissions accepted, expected 1")
                if len(found) != 1:
                    problems.append(f"{r.email}: {len(found)} ballots in the database (lost or duplicated)")
                elif len(accepted[idx]) == 1 and found[0].project_ids != sorted(accepted[idx][0]):
                    problems.append(f"{r.email}: stored choices {found[0].project_ids} "
                                    f"are not the accepted {sorted(accepted[idx][0])}")

            casts = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "ballot.cast")).all()
            per_ballot = Counter(e.object_id for e in casts if e.object_type == "ballot")
            digests = {e.object_id: e.details_dict.get("digest") for e in casts}
            for ballot in ballots:
                n = per_ballot.get(str(ballot.id), 0)
                if n != 1:
                    problems.append(f"ballot {ballot.id} has {n} ballot.cast audit entries")
                elif digests[str(ballot.id)] != ballot.digest:
                    problems.append(f"ballot {ballot.id}: audit digest differs from the ballot's")
            if len(casts) != len(ballots):
                problems.append(f"{len(casts)} ballot.cast audit entries for {len(ballots)} ballots")
            changed = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                                        .where(AuditEntry.action == "ballot.changed"))
            if changed:
                problems.append(f"{changed} ballot.changed entries in a contest that allows no change")
            tampered = tampered_ballots(contest)
            if tampered:
                problems.append(f"tampered_ballots() names {tampered[:10]}")
            report = verify_chain()
            if not report.ok:
                problems.append(f"audit chain broken at row {report.first_broken_id}: {report.reason}")
            expected_rows = setup.audit_rows_before + len(ballots)
            if report.ok and report.count != expected_rows:
                problems.append(f"audit log has {report.count} rows, expected {expected_rows}")
            n_ballots = len(ballots)
            dispose(db)
    return problems, n_ballots, report.count if report.ok else -1


# --------------------------------------------------------------------------- one database

@dataclass
class Result:
    db: str
    residents: int
    clients: int
    setup_s: float = 0.0
    logins: Outcome | None = None
    pages: Outcome | None = None
    ballots: Outcome | None = None
    hostile: Outcome | None = None
    replay: Outcome | None = None
    healthz: Outcome | None = None
    hostile_residents: int = 0
    replay_residents: int = 0
    submitted: int = 0
    ballots_in_db: int = 0
    chain_rows: int = 0
    problems: list = field(default_factory=list)
    total_s: float = 0.0


def run_one(kind: str, args) -> Result:
    started = time.perf_counter()
    result = Result(kind, args.residents, args.clients)
    workdir = Path(tempfile.mkdtemp(prefix=f"ortaq-bench-{kind}-"))
    instance = workdir / "instance"
    env = app_env(kind, instance, PG_BENCH_DB)
    if kind == "postgresql":
        recreate_pg_database(PG_BENCH_DB)
    n = args.residents
    real = n if args.real_logins == "all" else min(n, int(args.real_logins))
    print(f"[{kind}] set-up: {n} residents, {N_PROJECTS} projects …", flush=True)
    t0 = time.perf_counter()
    setup = build(env, n, real, args.seed)
    result.setup_s = time.perf_counter() - t0

    rng = random.Random(args.seed + 1)
    hostile_n = max(1, min(HOSTILE_RESIDENTS, n // 10))
    main = setup.residents[:n - hostile_n]
    hostile = setup.residents[n - hostile_n:]

    def pick():
        return sorted(rng.sample(setup.project_ids, rng.randint(1, MAX_CHOICES)))

    choices = {r.idx: pick() for r in main}
    copies = {r.idx: [pick() for _ in range(HOSTILE_COPIES)] for r in setup.residents}
    # Residents spread over the clients: the hostile ones first (their pages are fetched before any
    # time limit can bite), then the real logins, spread so that clients share the form sign-ins.
    hostile_ids = {r.idx for r in hostile}
    ordered = sorted(setup.residents, key=lambda r: (r.idx not in hostile_ids, r.cookie is not None, r.idx))
    groups_all = [ordered[c::args.clients] for c in range(args.clients)]
    accepted: dict[int, list] = defaultdict(list)
    sent: set[int] = set()
    failures: list[str] = []

    server = Server(env, workdir / "gunicorn.log")
    print(f"[{kind}] gunicorn on 127.0.0.1:{server.port} ({WORKERS} sync workers); "
          f"{args.clients} clients", flush=True)
    try:
        result.logins = phase_logins(server.port, groups_all, failures)
        result.pages = phase_ballot_pages(server.port, setup.slug, groups_all, setup.project_ids,
                                          args.phase_seconds, failures)
        ready = {r.idx for r in setup.residents if r.csrf}
        groups_main = [[r for r in g if r.idx in ready and r.idx not in hostile_ids] for g in groups_all]
        result.ballots = phase_ballots(server.port, setup.slug, groups_main, choices, accepted, sent,
                                       args.phase_seconds, failures)
        hostile = [r for r in hostile if r.idx in ready]
        replay = [r for r in main if accepted[r.idx]][:REPLAY_RESIDENTS]
        result.hostile_residents, result.replay_residents = len(hostile), len(replay)
        result.hostile = phase_hostile(server.port, setup.slug, hostile, copies, accepted, sent, args.clients,
                                       failures)
        result.replay = phase_hostile(server.port, setup.slug, replay, copies, accepted, sent, args.clients,
                                      failures)
        result.healthz = phase_healthz(server.port, args.clients, args.healthz_seconds, failures)
    finally:
        server.stop()
    log = server.log_path.read_text(errors="replace")
    tracebacks = log.count("Traceback (most recent call last)")
    if tracebacks:
        failures.append(f"{tracebacks} traceback(s) in the gunicorn log {server.log_path}:\n{server.log_tail(60)}")
    if "WORKER TIMEOUT" in log:
        failures.append(f"a gunicorn worker timed out; see {server.log_path}")
    for outcome in (result.logins, result.pages, result.ballots, result.hostile, result.replay, result.healthz):
        bad = {s: c for s, c in outcome.statuses.items() if s >= 500}
        if bad:
            failures.append(f"server errors: {bad}")
        failures.extend(outcome.errors[:10])

    submitted = sent
    print(f"[{kind}] checking the database …", flush=True)
    problems, result.ballots_in_db, result.chain_rows = verify(env, setup, accepted, submitted)
    result.submitted = len(submitted)
    result.problems = failures + problems
    if not result.problems and not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"[{kind}] kept {workdir}", flush=True)
    result.total_s = time.perf_counter() - started
    return result


# --------------------------------------------------------------------------- report

def report(results: list[Result]) -> None:
    def f(x, nd=0):
        return f"{x:,.{nd}f}".replace(",", " ")

    rows = [("", *[r.db for r in results])]

    def add(label, fn):
        rows.append((label, *[fn(r) for r in results]))

    add("residents / clients", lambda r: f"{r.residents} / {r.clients}")
    add("set-up (in process), s", lambda r: f(r.setup_s, 1))
    add("real logins: n, p50 / p95 ms", lambda r: f"{r.logins.count}, {f(r.logins.ms(50))} / {f(r.logins.ms(95))}")
    add("ballot page GET/s", lambda r: f(r.pages.count / r.pages.wall, 1))
    add("ballot page p50 / p95 ms", lambda r: f"{f(r.pages.ms(50))} / {f(r.pages.ms(95))}")
    add("ballot POST: ballots/s", lambda r: f(r.ballots.statuses[303] / r.ballots.wall, 1))
    add("ballot POST p50 / p95 / p99 ms",
        lambda r: f"{f(r.ballots.ms(50))} / {f(r.ballots.ms(95))} / {f(r.ballots.ms(99))}")
    add("ballot POSTs: 303 of sent", lambda r: f"{r.ballots.statuses[303]} of {r.ballots.count}")
    add("ballot POST phase, s", lambda r: f(r.ballots.wall, 1))
    add("hostile: residents × 5 at once", lambda r: f"{r.hostile_residents} × {HOSTILE_COPIES}")
    add("  statuses", lambda r: " ".join(f"{s}×{c}" for s, c in sorted(r.hostile.statuses.items())))
    add("  p50 / p95 ms", lambda r: f"{f(r.hostile.ms(50))} / {f(r.hostile.ms(95))}")
    add("replay by voters: residents × 5", lambda r: f"{r.replay_residents} × {HOSTILE_COPIES}")
    add("  statuses", lambda r: " ".join(f"{s}×{c}" for s, c in sorted(r.replay.statuses.items())))
    add("GET /healthz req/s", lambda r: f(r.healthz.count / r.healthz.wall, 1))
    add("/healthz p50 / p95 ms", lambda r: f"{f(r.healthz.ms(50), 1)} / {f(r.healthz.ms(95), 1)}")
    add("ballots in DB / residents who voted", lambda r: f"{r.ballots_in_db} / {r.submitted}")
    add("audit chain: rows verified", lambda r: f(r.chain_rows) if r.chain_rows >= 0 else "BROKEN")
    add("integrity", lambda r: "OK" if not r.problems else f"FAILED ({len(r.problems)})")
    add("run time, s", lambda r: f(r.total_s, 1))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    print()
    for n, row in enumerate(rows):
        print("  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    load = os.getloadavg()
    print(f"\n{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
          f"gunicorn {WORKERS} sync workers; Python {sys.version.split()[0]}")
    for r in results:
        for p in r.problems[:30]:
            print(f"[{r.db}] PROBLEM: {p}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--residents", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--real-logins", default=None,
                        help="residents who sign in through the login form (a number or 'all'; "
                             "default: one per client, at most 8); the rest get sessions made at set-up")
    parser.add_argument("--phase-seconds", type=float, default=20.0,
                        help="no new ballot page / ballot POST after this many seconds of its phase "
                             "(keeps a run short on a slow or busy machine; default 20)")
    parser.add_argument("--healthz-seconds", type=float, default=4.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the temporary instance folder")
    args = parser.parse_args(argv)
    if args.residents < 2 or args.clients < 1:
        parser.error("need at least 2 residents and 1 client")
    if args.real_logins is None:
        args.real_logins = str(min(args.clients, 8))
    if args.real_logins != "all" and not args.real_logins.isdigit():
        parser.error("--real-logins takes a number or 'all'")
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    results = [run_one(kind, args) for kind in kinds]
    report(results)
    return 1 if any(r.problems for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
