"""One resident, one ballot — even when the submissions arrive all at once.

A double click, two tabs, two devices, an online ballot racing a paper one entered at the
akimat: whatever the order, exactly one ballot and one "ballot.cast" audit entry remain.
Each thread has its own application context (so its own database session and connection);
a barrier releases them together. Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""
from __future__ import annotations

import threading

import sqlalchemy as sa

from civic.accounts.models import User
from civic.contests import ballots as ballot_service
from civic.contests.models import Ballot, Contest, Phase
from civic.core.audit import verify_chain
from civic.core.errors import DomainError
from civic.extensions import db
from tests.contests.contest_helpers import (
    audit_rows, ballots_of, english, app, contest_app, fresh_request_globals, login, make_world, registered_iin,
)

__all__ = ["app", "contest_app", "fresh_request_globals"]

N = 8
ALREADY = "A ballot has already been cast"


def at_once(app, jobs) -> list:
    """Run every job in its own thread and app context, released together by a barrier.

    A job returns a value, or raises; DomainError becomes ("refused", message), any other
    exception is returned as is (and fails the test's assertions). Jobs must not touch the
    test's own ORM objects (they belong to the main thread's session).
    """
    db.session.commit()            # the test's own session holds no lock while the threads run
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def worker(i, job):
        # Each thread is one request of its own: its own app context, so its own session and
        # connection (a POST, as a real submission; on SQLite it begins with BEGIN IMMEDIATE).
        with app.test_request_context("/", method="POST"):
            try:
                barrier.wait(timeout=20)
                results[i] = job()
            except DomainError as error:
                db.session.rollback()
                results[i] = ("refused", english(error.message))
            except BaseException as error:  # noqa: BLE001 - reported to the test
                db.session.rollback()
                results[i] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i, job), daemon=True) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a submission hung"
    db.session.rollback()          # a fresh snapshot for the checks
    db.session.expire_all()
    return results


def online(user_id: int, contest_id: int, project_ids: list[int]):
    def job():
        user = db.session.get(User, user_id)
        contest = db.session.get(Contest, contest_id)
        result = ballot_service.cast_online(user, contest, project_ids)
        db.session.commit()
        return ("changed" if result.changed else "cast", result.receipt)
    return job


def on_paper(staff_id: int, contest_id: int, iin: str, project_ids: list[int]):
    def job():
        clerk = db.session.get(User, staff_id)
        contest = db.session.get(Contest, contest_id)
        ballot_service.cast_paper(clerk, contest, iin, project_ids)
        db.session.commit()
        return ("cast", None)
    return job


def outcomes(results) -> list[str]:
    for result in results:
        assert isinstance(result, tuple), f"unexpected error in a thread: {result!r}"
    return sorted(r[0] for r in results)


def cast_entries(contest) -> list:
    return [e for e in audit_rows("ballot.cast") if e.details_dict.get("contest") == contest.id]


def test_eight_simultaneous_submissions_by_one_resident_leave_one_ballot(app):
    world = make_world(Phase.VOTING)
    voter, pids = world.residents[0], [p.id for p in world.projects]
    jobs = [online(voter.id, world.contest.id, [pids[i % 3]]) for i in range(N)]
    results = at_once(app, jobs)
    assert outcomes(results) == ["cast"] + ["refused"] * (N - 1)
    assert all(ALREADY in r[1] for r in results if r[0] == "refused")
    [ballot] = ballots_of(world.contest)
    [entry] = cast_entries(world.contest)
    assert entry.object_id == str(ballot.id) and entry.details_dict["digest"] == ballot.digest
    assert ballot_service.tampered_ballots(world.contest) == []
    assert verify_chain().ok


def test_eight_http_submissions_from_two_devices_leave_one_ballot(app):
    world = make_world(Phase.VOTING)
    voter, pid = world.residents[0], world.projects[1].id
    clients = []
    for i in range(N):
        client = app.test_client()
        login(client, voter.user)      # every client has its own sign-in (tabs, devices)
        clients.append(client)

    url = world.url("/ballot")   # read now: the test's own objects must not be loaded from the threads

    def post(client):
        def job():
            response = client.post(url, data={"project": [str(pid)]})
            return (str(response.status_code), None)
        return job

    results = at_once(app, [post(c) for c in clients])
    assert outcomes(results) == ["303"] + ["422"] * (N - 1)
    assert len(ballots_of(world.contest)) == 1
    assert len(cast_entries(world.contest)) == 1
    assert verify_chain().ok


def test_simultaneous_changes_when_changes_are_allowed_keep_one_consistent_ballot(app):
    world = make_world(Phase.VOTING, allow_change=True)
    voter, pids = world.residents[0], [p.id for p in world.projects]
    choices = [[pids[0]], [pids[1]], [pids[2]], [pids[0], pids[1]], [pids[1], pids[2]], [pids[0], pids[2]],
               [pids[2]], [pids[1]]]
    results = at_once(app, [online(voter.id, world.contest.id, c) for c in choices[:N]])
    assert outcomes(results) == ["cast"] + ["changed"] * (N - 1)
    assert [r[1] is not None for r in results].count(True) == 1          # one receipt
    [ballot] = ballots_of(world.contest)
    assert ballot.version == N
    assert len(cast_entries(world.contest)) == 1
    changed = audit_rows("ballot.changed")
    assert len(changed) == N - 1
    assert changed[-1].details_dict["digest"] == ballot.digest and changed[-1].details_dict["version"] == N
    assert ballot_service.tampered_ballots(world.contest) == []


def test_online_and_paper_racing_for_one_person_leave_one_ballot(app):
    world = make_world(Phase.VOTING, allow_change=True)
    voter, pids = world.residents[0], [p.id for p in world.projects]
    jobs = []
    for i in range(N):
        if i % 2:
            jobs.append(online(voter.id, world.contest.id, [pids[0]]))
        else:
            jobs.append(on_paper(world.staff.id, world.contest.id, voter.iin, [pids[2]]))
    results = at_once(app, jobs)
    kinds = outcomes(results)
    assert kinds.count("cast") == 1 and "refused" in kinds
    [ballot] = ballots_of(world.contest)
    # Whichever came first wins; a paper ballot is never changed online, nor the other way round.
    expected = [pids[0]] if ballot.channel == "online" else [pids[2]]
    assert ballot.project_ids == expected
    assert kinds.count("changed") == (0 if ballot.channel == "paper" else N // 2 - 1)
    assert len(cast_entries(world.contest)) == 1
    assert ballot_service.tampered_ballots(world.contest) == []


def test_many_residents_voting_at_once_lose_no_ballot(app):
    world = make_world(Phase.VOTING, residents=N // 2)
    pids = [p.id for p in world.projects]
    paper_iins = [registered_iin(world.territory) for _ in range(N // 2)]
    jobs = [online(v.id, world.contest.id, [pids[i % 3]]) for i, v in enumerate(world.residents)]
    jobs += [on_paper(world.staff.id, world.contest.id, iin, [pids[(i + 1) % 3]]) for i, iin in enumerate(paper_iins)]
    results = at_once(app, jobs)
    assert outcomes(results) == ["cast"] * N
    ballots = ballots_of(world.contest)
    assert len(ballots) == N and len({b.voter_key for b in ballots}) == N
    assert len(cast_entries(world.contest)) == N
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == N
    report = verify_chain()
    assert report.ok, report
    assert ballot_service.tampered_ballots(world.contest) == []
