"""Residents' petitions to convene a gathering or a meeting, through HTTP.

Clauses: 001 fig. 7 (at least 10% of community members petition the akim with a signed list:
name and address); 001 App. 2 §5 (the akim rules within 3 working days and sets place and time).
Names and addresses are recorded for the akim and never shown publicly; the count is.
"""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from civic.councils import petitions as petition_service
from civic.councils.deadlines import add_working_days
from civic.councils.models import Session, SessionState
from civic.councils.record_models import Petition, PetitionSignature
from civic.councils.rules import BodyKind
from civic.extensions import db
from tests.councils.manage_helpers import (
    ZONE, count, fresh_request_globals, local_at, local_today, login, make_world, reload, text,
)
from tests.factories import make_resident, make_territory, make_user, on_register

__all__ = ["fresh_request_globals"]


def _resident(world, surname="Тұрғынов", address="Абай көшесі, 5"):
    from civic.accounts.iin import iin_hmac
    from tests.factories import valid_iin
    user = make_user(surname=surname, given_name="Асқар", locale="en")
    iin = valid_iin()
    on_register(world.territory, iin, surname=surname, given_name="Асқар", address=address)
    make_resident(world.territory, user, iin=iin)
    assert user.residency_in(world.territory).iin_hmac == iin_hmac(iin)
    return user


def _petition(world, author, **values) -> Petition:
    petition = petition_service.start(author, world.body, title=values.get("title", "Жайылым туралы жиналыс"),
                                      agenda=values.get("agenda", "1. Жайылымдарды пайдалану кестесі."))
    db.session.commit()
    return petition


def test_a_verified_resident_starts_a_petition_and_signs_it__001_fig7(app, client):
    world = make_world(population=100, members=2)
    author = _resident(world, surname="Бастамашы", address="Бірлік көшесі, 1")
    db.session.commit()
    login(client, author)
    page = text(client.get(f"/bodies/{world.body.slug}/petitions"))
    assert "Start a petition" in page and "at least 10 residents have signed" in page
    assert client.get(f"/bodies/{world.body.slug}/petitions/new").status_code == 200
    response = client.post(f"/bodies/{world.body.slug}/petitions/new",
                           data={"title": "Су құбыры туралы жиналыс", "agenda": "Су құбырын жөндеу."})
    assert response.status_code == 303
    petition = db.session.scalar(sa.select(Petition))
    assert response.headers["Location"].endswith(f"/petitions/{petition.id}")
    assert (petition.threshold, petition.state, petition.author_id) == (10, "open", author.id)
    page = text(client.get(f"/petitions/{petition.id}"))
    assert "1 of 10 signatures" in page and 'max="10" value="1"' in page
    assert "You have signed this petition." in page
    response = client.post(f"/bodies/{world.body.slug}/petitions/new", data={"title": "", "agenda": ""})
    assert response.status_code == 422 and "This field is required." in text(response)
    assert count(Petition) == 1


def test_the_public_sees_the_count_never_the_names_or_addresses(app, client):
    world = make_world(population=100, members=2)
    author = _resident(world, surname="Құпиябаев", address="Жасырын көшесі, 7")
    petition = _petition(world, author)
    client.set_cookie("lang", "en")
    for url in (f"/petitions/{petition.id}", f"/bodies/{world.body.slug}/petitions"):
        page = text(client.get(url))
        assert "1 of 10 signatures" in page
        assert "Құпиябаев" not in page and "Жасырын көшесі" not in page
        assert f"/petitions/{petition.id}/signatures" not in page          # the link is hidden
    login(client, _resident(world, surname="Көрші"))
    assert "Құпиябаев" not in text(client.get(f"/petitions/{petition.id}"))


@pytest.mark.parametrize("who", ["resident", "secretary", "anonymous"])
def test_the_list_of_signers_is_closed_to_the_public(app, client, who):
    world = make_world(population=100, members=2)
    petition = _petition(world, _resident(world))
    if who == "anonymous":
        response = client.get(f"/petitions/{petition.id}/signatures")
        assert response.status_code == 302 and "/account/login" in response.headers["Location"]
        return
    user = world.secretary if who == "secretary" else _resident(world, surname="Басқа")
    db.session.commit()
    login(client, user)
    assert client.get(f"/petitions/{petition.id}/signatures").status_code == 403


@pytest.mark.parametrize("who", ["staff", "akim"])
def test_akimat_staff_and_the_akim_see_names_and_addresses(app, client, who):
    world = make_world(population=100, members=2)
    petition = _petition(world, _resident(world, surname="Құпиябаев", address="Жасырын көшесі, 7"))
    login(client, getattr(world, who))
    assert "List of signers" in text(client.get(f"/petitions/{petition.id}"))
    response = client.get(f"/petitions/{petition.id}/signatures")
    assert response.status_code == 200
    page = text(response)
    assert "Құпиябаев Асқар" in page and "Жасырын көшесі, 7" in page
    assert "no-store" in response.headers["Cache-Control"]
    assert "noindex" in response.headers["X-Robots-Tag"]


def test_a_petition_signed_twice_by_one_resident_is_refused(app, client):
    world = make_world(population=100, members=2)
    petition = _petition(world, _resident(world))
    neighbour = _resident(world, surname="Көрші")
    db.session.commit()
    login(client, neighbour)
    assert client.post(f"/petitions/{petition.id}/sign").status_code == 303
    response = client.post(f"/petitions/{petition.id}/sign")
    assert response.status_code == 422
    assert "You have already signed this petition." in text(response)
    assert count(PetitionSignature, PetitionSignature.petition_id == petition.id) == 2


@pytest.mark.parametrize("who", ["unverified", "other_community"])
def test_a_non_resident_cannot_sign_or_start_a_petition(app, client, who):
    world = make_world(population=100, members=2)
    petition = _petition(world, _resident(world))
    user = make_user(locale="en")
    if who == "other_community":
        make_resident(make_territory(), user)
    db.session.commit()
    login(client, user)
    page = text(client.get(f"/petitions/{petition.id}"))
    assert "Sign the petition" not in page.replace("Sign in to sign the petition", "")   # no button
    response = client.post(f"/petitions/{petition.id}/sign")
    assert response.status_code == 403
    assert "Only verified residents of this community may start or sign a petition." in text(response)
    assert client.get(f"/bodies/{world.body.slug}/petitions/new").status_code == 403
    assert client.post(f"/bodies/{world.body.slug}/petitions/new",
                       data={"title": "X", "agenda": "Y"}).status_code == 403
    assert count(PetitionSignature) == 1 and count(Petition) == 1


def test_concurrent_double_signing_by_one_resident_gives_one_signature(app):
    """Eight simultaneous requests of the same resident: exactly one signature."""
    world = make_world(population=100, members=2)
    petition = _petition(world, _resident(world))
    neighbour = _resident(world, surname="Асығыс")
    db.session.commit()
    url, neighbour_id = f"/petitions/{petition.id}/sign", neighbour.id
    clients = [app.test_client() for _ in range(8)]
    for c in clients:
        login(c, neighbour)
    barrier = threading.Barrier(len(clients))
    statuses, errors = [], []

    def sign(c):
        try:
            barrier.wait(timeout=10)
            response = c.post(url)
            statuses.append((response.status_code, response.get_data(as_text=True)))
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=sign, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    codes = sorted(code for code, _body in statuses)
    assert codes == [303] + [422] * 7, codes
    assert all("You have already signed this petition." in body for code, body in statuses if code == 422)
    assert count(PetitionSignature, PetitionSignature.petition_id == petition.id,
                 PetitionSignature.user_id == neighbour_id) == 1


def test_at_the_threshold_the_petition_goes_to_the_akim_with_a_due_date__001_app2_s5(app, client):
    world = make_world(population=20, members=2)          # threshold: 2 signatures
    petition = _petition(world, _resident(world))
    second = _resident(world, surname="Екінші")
    db.session.commit()
    login(client, second)
    response = client.post(f"/petitions/{petition.id}/sign")
    assert response.status_code == 303
    petition = reload(petition)
    assert petition.state == "submitted"
    due = add_working_days(petition.submitted_at.astimezone(ZONE).date(), 3)
    assert petition_service.akim_due(petition) == due
    page = text(client.get(f"/petitions/{petition.id}"))
    assert "2 of 2 signatures" in page and "with the akim" in page and "(3 working days)" in page
    third = _resident(world, surname="Кешіккен")
    db.session.commit()
    login(client, third)
    response = client.post(f"/petitions/{petition.id}/sign")
    assert response.status_code == 422 and "This petition no longer collects signatures." in text(response)
    assert count(PetitionSignature) == 2


def test_the_akim_convenes_the_session_in_local_time_or_refuses_with_reasons__001_app2_s5(app, client):
    world = make_world(population=20, members=2)
    petition = _petition(world, _resident(world))
    petition_service.sign(_resident(world, surname="Екінші"), petition)
    db.session.commit()
    assert reload(petition).state == "submitted"
    login(client, world.staff)
    assert client.post(f"/petitions/{petition.id}/decide", data={"verdict": "refuse", "text": "Жоқ"}).status_code == 403
    login(client, world.akim)
    page = text(client.get(f"/petitions/{petition.id}"))
    assert "Decide on the petition" in page
    response = client.post(f"/petitions/{petition.id}/decide", data={"verdict": "accept", "text": "Шақырылсын",
                                                                     "place": "Клуб"})
    assert response.status_code == 422 and "Set the place and time of the session." in text(response)
    past = local_today() - timedelta(days=1)
    response = client.post(f"/petitions/{petition.id}/decide", data={
        "verdict": "accept", "text": "Шақырылсын", "day": past.isoformat(), "start_time": "10:00", "place": "Клуб"})
    assert response.status_code == 422 and "A new session cannot be in the past." in text(response)
    assert count(Session) == 0
    day = local_today() + timedelta(days=14)
    response = client.post(f"/petitions/{petition.id}/decide", data={
        "verdict": "accept", "text": "Жиналыс шақырылсын.", "day": day.isoformat(), "start_time": "11:00",
        "place": "Ауылдық клуб"})
    assert response.status_code == 303
    petition = reload(petition)
    session = db.session.get(Session, petition.session_id)
    assert (petition.state, session.state, session.starts_at, session.place) == \
        ("accepted", SessionState.DRAFT, local_at(day, 11), "Ауылдық клуб")
    assert "Жиналыс шақырылсын." in text(client.get(f"/petitions/{petition.id}"))


def test_the_akim_refuses_with_reasons(app, client):
    world = make_world(population=20, members=2)
    petition = _petition(world, _resident(world))
    petition_service.sign(_resident(world, surname="Екінші"), petition)
    db.session.commit()
    login(client, world.akim)
    response = client.post(f"/petitions/{petition.id}/decide", data={"verdict": "refuse", "text": ""})
    assert response.status_code == 422 and "Write the decision." in text(response)
    response = client.post(f"/petitions/{petition.id}/decide",
                           data={"verdict": "refuse", "text": "Мәселе аудан деңгейінде шешілді."})
    assert response.status_code == 303
    assert (reload(petition).state, count(Session)) == ("refused", 0)
    assert "Мәселе аудан деңгейінде шешілді." in text(client.get(f"/petitions/{petition.id}"))


def test_a_territorial_council_takes_no_petitions(app, client):
    world = make_world(population=100, members=3, kind=BodyKind.TERRITORIAL_COUNCIL)
    login(client, _resident(world))
    assert client.get(f"/bodies/{world.body.slug}/petitions/new").status_code == 404
    assert "Start a petition" not in text(client.get(f"/bodies/{world.body.slug}/petitions"))


def test_the_akims_three_working_days_count_from_the_local_day_of_submission__001_app2_s5(app):
    """Submitted at 01:30 in Almaty is still the previous day in UTC; the local day counts."""
    from datetime import datetime, timezone
    world = make_world(population=100, members=2)
    petition = _petition(world, _resident(world))
    local_day = local_today() + timedelta(days=40)
    while local_day.weekday() != 0:       # a Monday, so the UTC date (Sunday) differs in working days
        local_day += timedelta(days=1)
    petition.submitted_at = datetime.combine(local_day, datetime.min.time().replace(hour=1, minute=30),
                                             tzinfo=ZONE).astimezone(timezone.utc)
    assert petition.submitted_at.date() == local_day - timedelta(days=1)
    assert petition_service.akim_due(petition) == add_working_days(local_day, 3)
