"""After the session: executors and due dates, the akim's review with reasons, informing the
members, execution reports. Clauses: 001 App. 2 §13 (the akim considers the decisions within
5 working days and may disagree; a disagreement is re-discussed), §14 (members told within 5
working days), §17-18 (execution control).
"""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from civic.councils import sessions
from civic.councils.models import AgendaItem
from civic.councils.record_models import Decision, ExecutionReport
from civic.extensions import db
from tests.councils.manage_helpers import (
    count, fresh_request_globals, future, local_today, login, make_world, reload, signed_session, text,
)
from tests.factories import make_user

__all__ = ["fresh_request_globals"]


def _setup(publish=True):
    world = make_world(members=4)
    session, _protocol = signed_session(world, publish=publish)
    decision = db.session.scalar(sa.select(Decision).where(Decision.session_id == session.id))
    return world, session, decision


def test_signing_makes_the_adopted_motions_decisions_and_staff_assign_them(app, client):
    world, session, decision = _setup()
    assert decision.text == "Көше жарығын жөндеу"
    login(client, world.staff)
    page = text(client.get(f"/sessions/{session.id}/decisions/manage"))
    assert "Көше жарығын жөндеу" in page and "Executor not yet set" in page
    assert "Protocol to the akim (2 working days)" in page
    due = local_today() + timedelta(days=30)
    response = client.post(f"/decisions/{decision.id}/assign",
                           data={f"a{decision.id}-executor": "Әкім аппараты, коммуналдық маман",
                                 f"a{decision.id}-due_on": due.isoformat()})
    assert response.status_code == 303
    decision = reload(decision)
    assert (decision.executor, decision.due_on) == ("Әкім аппараты, коммуналдық маман", due)
    response = client.post(f"/decisions/{decision.id}/assign", data={f"a{decision.id}-executor": ""})
    assert response.status_code == 422 and "Say who executes the decision." in text(response)
    assert reload(decision).executor == "Әкім аппараты, коммуналдық маман"


def test_the_akim_agrees_or_disagrees_with_reasons__001_app2_s13(app, client):
    world = make_world(members=4)
    session, _protocol = signed_session(world, publish=True)
    upcoming = sessions.create_session(world.staff, world.body, starts_at=future(25), place="Клуб")
    db.session.commit()
    decision = db.session.scalar(sa.select(Decision))
    login(client, world.akim)
    page = text(client.get(f"/sessions/{session.id}/decisions/manage"))
    assert "Record the akim's conclusion" in page
    assert "Executor and due date" not in page and "The members are informed" not in page   # staff's controls hidden
    response = client.post(f"/decisions/{decision.id}/review",
                           data={f"r{decision.id}-verdict": "disagree", f"r{decision.id}-reason": ""})
    assert response.status_code == 422
    assert "Give the reasons for disagreeing." in text(response)
    assert reload(decision).akim_status == "pending"
    response = client.post(f"/decisions/{decision.id}/review",
                           data={f"r{decision.id}-verdict": "disagree",
                                 f"r{decision.id}-reason": "Бюджетте қаражат жоқ."})
    assert response.status_code == 303
    decision = reload(decision)
    assert (decision.akim_status, decision.akim_reason) == ("disagreed", "Бюджетте қаражат жоқ.")
    # A disagreement goes onto the next session's agenda for re-discussion.
    assert decision.rediscussed_in_session_id == upcoming.id
    assert count(AgendaItem, AgendaItem.session_id == upcoming.id, AgendaItem.title.contains(decision.text)) == 1
    response = client.post(f"/decisions/{decision.id}/review",
                           data={f"r{decision.id}-verdict": "agree", f"r{decision.id}-reason": ""})
    assert response.status_code == 422
    assert "The akim has already considered this decision." in text(response)
    assert reload(decision).akim_status == "disagreed"


@pytest.mark.parametrize("who", ["staff", "secretary", "resident"])
def test_only_the_akim_reviews(app, client, who):
    world, session, decision = _setup()
    user = {"staff": world.staff, "secretary": world.secretary}.get(who) or make_user(locale="en")
    db.session.commit()
    login(client, user)
    response = client.post(f"/decisions/{decision.id}/review",
                           data={f"r{decision.id}-verdict": "agree", f"r{decision.id}-reason": ""})
    assert response.status_code == 403
    assert reload(decision).akim_status == "pending"
    if who == "resident":
        assert client.get(f"/sessions/{session.id}/decisions/manage").status_code == 403
        assert client.post(f"/decisions/{decision.id}/assign",
                           data={f"a{decision.id}-executor": "X"}).status_code == 403
    else:
        assert "Record the akim's conclusion" not in text(client.get(f"/sessions/{session.id}/decisions/manage"))


def test_members_are_informed_after_the_akims_review__001_app2_s14(app, client):
    world, session, decision = _setup()
    login(client, world.staff)
    response = client.post(f"/sessions/{session.id}/decisions/informed")
    assert response.status_code == 422
    assert "The akim has not yet considered every decision." in text(response)
    assert reload(decision).members_informed_at is None
    login(client, world.akim)
    client.post(f"/decisions/{decision.id}/review", data={f"r{decision.id}-verdict": "agree"})
    login(client, world.akim)
    assert client.post(f"/sessions/{session.id}/decisions/informed").status_code == 403
    login(client, world.staff)
    assert client.post(f"/sessions/{session.id}/decisions/informed").status_code == 303
    assert reload(decision).members_informed_at is not None


def test_execution_reports_are_added_over_time__001_app2_s17(app, client):
    world, session, decision = _setup()
    login(client, world.staff)
    today = local_today()
    response = client.post(f"/decisions/{decision.id}/reports",
                           data={f"rep{decision.id}-text": "Шамдар сатып алынды.",
                                 f"rep{decision.id}-reported_on": today.isoformat()})
    assert response.status_code == 303
    response = client.post(f"/decisions/{decision.id}/reports",
                           data={f"rep{decision.id}-text": "Болашақ",
                                 f"rep{decision.id}-reported_on": (today + timedelta(days=2)).isoformat()})
    assert response.status_code == 422 and "The date cannot be in the future." in text(response)
    response = client.post(f"/decisions/{decision.id}/reports",
                           data={f"rep{decision.id}-text": "Жарық орнатылды.",
                                 f"rep{decision.id}-reported_on": today.isoformat(), f"rep{decision.id}-done": "y"})
    assert response.status_code == 303
    assert count(ExecutionReport) == 2
    assert reload(decision).done_at is not None
    page = text(client.get(f"/sessions/{session.id}/decisions/manage"))
    assert "Шамдар сатып алынды." in page and "Executed" in page


def test_an_overdue_decision_is_flagged(app, client):
    world, session, decision = _setup()
    decision.executor, decision.due_on = "Маман", local_today() - timedelta(days=3)
    db.session.commit()
    login(client, world.staff)
    page = text(client.get(f"/sessions/{session.id}/decisions/manage"))
    assert "Overdue" in page


def test_the_akim_reviews_only_decisions_of_a_signed_protocol(app, client):
    """Before both signatures there are no decisions yet; the page says so."""
    from tests.councils.manage_helpers import held_session
    world = make_world(members=4)
    session = held_session(world)
    login(client, world.akim)
    page = text(client.get(f"/sessions/{session.id}/decisions/manage"))
    assert "No decisions yet" in page
