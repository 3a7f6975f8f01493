"""Security review: each test proves one finding and failed before its fix (the photo test only
guards the media fix against refusing what it must serve).

* Ids in URLs and in staff forms that no database integer can hold are a 404 / 422, not a 500.
* The audit log's page number is clamped.
* A draft cancelled or postponed before it was announced stays private (it became public).
* /contests/media/ serves contest photos only, not every upload (e.g. a draft session's materials).
* A date no time zone can convert (year 1) is refused on the session and petition forms.
"""
from __future__ import annotations

import pytest

from civic.councils import sessions
from civic.councils.models import SessionState
from civic.extensions import db
from tests.councils.manage_helpers import (
    PDF_BYTES,
    announced_session,
    fresh_request_globals,
    future,
    login,
    make_world,
    reload,
    running_session,
    text,
)
from tests.factories import make_resident, make_user, on_register, valid_iin

__all__ = ["fresh_request_globals"]

HUGE = "99999999999999999999"          # more than 2**64: no database integer holds it


# --- 500s on bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    f"/sessions/{HUGE}", f"/materials/{HUGE}", f"/protocols/{HUGE}", f"/protocols/{HUGE}.pdf",
    f"/petitions/{HUGE}", "/sessions/9223372036854775808",
])
def test_public_urls_with_an_id_too_large_for_the_database_answer_404(app, client, url):
    assert client.get(url).status_code == 404


def test_the_audit_log_with_a_huge_page_number_answers(app, client):
    world = make_world(members=0)
    login(client, world.staff)
    assert client.get(f"/manage/audit?page={HUGE}").status_code == 200


def test_the_secretarys_screen_refuses_ids_too_large_for_the_database(app, client):
    world = make_world(members=3)
    session = running_session(world)
    login(client, world.staff)
    base = f"/sessions/{session.id}"
    assert client.post(f"{base}/attendance", data={"member_id": HUGE}).status_code == 404
    assert client.post(f"{base}/attendance/leave", data={"member_id": HUGE}).status_code == 404
    response = client.post(f"{base}/elect", data={"elect-capacity": "chair", "elect-candidate": HUGE,
                                                  "elect-for_votes": "3", "elect-against": "0", "elect-abstained": "0"})
    assert response.status_code == 422
    response = client.post(f"{base}/agenda/remove", data={"rmitem-item": HUGE, "rmitem-for_votes": "3",
                                                          "rmitem-against": "0", "rmitem-abstained": "0"})
    assert response.status_code == 422
    item = session.items[0]
    for speaker in (f"m-{HUGE}", f"p-{HUGE}"):
        response = client.post(f"{base}/items/{item.id}/speeches",
                               data={f"speech{item.id}-speaker": speaker, f"speech{item.id}-summary": "Сөз."})
        assert response.status_code == 422


def test_a_date_no_time_zone_can_hold_is_refused_on_the_session_form(app, client):
    world = make_world(members=2)
    login(client, world.staff)
    response = client.post(f"/bodies/{world.body.slug}/sessions/new",
                           data={"day": "0001-01-01", "start_time": "00:30", "place": "Клуб"})
    assert response.status_code == 422


def test_a_date_no_time_zone_can_hold_is_refused_on_the_petition_decision(app, client):
    from civic.councils import petitions as petition_service
    world = make_world(population=10, members=2)
    author = make_user(locale="en")
    iin = valid_iin()
    on_register(world.territory, iin, address="Абай көшесі, 1")
    make_resident(world.territory, author, iin=iin)
    petition = petition_service.start(author, world.body, title="Жиналыс", agenda="Жол жөндеу.")
    db.session.commit()
    assert reload(petition).state == "submitted"
    login(client, world.akim)
    response = client.post(f"/petitions/{petition.id}/decide", data={
        "verdict": "accept", "text": "Шақырылсын.", "day": "0001-01-01", "start_time": "00:30", "place": "Клуб"})
    assert response.status_code == 422


# --- drafts stay out of public view -----------------------------------------------------------------------

def test_a_draft_called_off_before_it_is_announced_stays_private(app, client):
    world = make_world(members=2)
    cancelled = sessions.create_session(world.staff, world.body, starts_at=future(15), place="Құпия дайындық")
    postponed = sessions.create_session(world.staff, world.body, starts_at=future(16), place="Жабық дайындық")
    sessions.add_material(world.staff, cancelled.items[0], title="Жоба", data=PDF_BYTES, filename="joba.pdf")
    db.session.commit()
    login(client, world.staff)
    response = client.post(f"/sessions/{cancelled.id}/call-off", data={"action": "cancelled", "reason": "Қажет емес"})
    assert response.status_code == 303 and reload(cancelled).state == SessionState.CANCELLED
    sessions.call_off(world.staff, postponed, state=SessionState.POSTPONED, reason="Әлі ерте")
    db.session.commit()
    material = reload(cancelled).items[0].materials[0]
    anonymous = app.test_client()
    for session in (cancelled, postponed):
        assert anonymous.get(f"/sessions/{session.id}").status_code == 404
    assert anonymous.get(f"/materials/{material.id}").status_code == 404
    assert anonymous.get(f"/bodies/{world.body.slug}").status_code == 200
    for url in ("/sessions", "/sessions.json", "/sessions.ics", f"/bodies/{world.body.slug}.ics",
                f"/bodies/{world.body.slug}"):
        page = text(anonymous.get(url))
        assert "Құпия дайындық" not in page and "Жабық дайындық" not in page, url
    assert client.get(f"/sessions/{cancelled.id}").status_code == 200        # staff still see it
    # An announced session that is cancelled stays public, with its reason.
    announced = announced_session(world)
    response = client.post(f"/sessions/{announced.id}/call-off", data={"action": "cancelled", "reason": "Су тасқыны"})
    assert response.status_code == 303
    assert "Су тасқыны" in text(anonymous.get(f"/sessions/{announced.id}"))


def test_contest_media_serves_contest_photos_not_a_draft_sessions_materials(app, client):
    world = make_world(members=2)
    draft = sessions.create_session(world.staff, world.body, starts_at=future(15), place="Клуб")
    material = sessions.add_material(world.staff, draft.items[0], title="Жоба", data=PDF_BYTES, filename="joba.pdf")
    db.session.commit()
    assert client.get(f"/materials/{material.id}").status_code == 404           # the guarded route
    assert client.get(f"/contests/media/{material.stored_name}").status_code == 404


def test_contest_media_still_serves_a_projects_photo(app, client):
    from civic.contests import projects as project_service
    from civic.contests.models import Phase
    from tests.contests.contest_helpers import make_world as make_contest
    from tests.contests.contest_helpers import png_bytes
    contest = make_contest(Phase.PROPOSALS, costs=(1_000_000,), residents=0)
    photo = project_service.add_photo(contest.staff, contest.projects[0], png_bytes())
    db.session.commit()
    for name in (photo.stored_name, photo.thumb_name):
        response = client.get(f"/contests/media/{name}")
        assert response.status_code == 200 and response.mimetype.startswith("image/")
    assert client.get("/contests/media/no-such-photo.png").status_code == 404

