"""Bodies, members and the preparation of a session (agenda, materials, announcement),
through HTTP, as akimat staff and as the territory's secretary.

Clauses (../shared/domain-rules.md): 000 §6 (an odd number of council members, renewed every
5 years); 001 App. 2 §6 (notice 10 calendar days, materials 5 calendar days before);
App. 2 (at least one meeting a quarter; the progress of earlier decisions always on the agenda).
"""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from civic.councils import sessions
from civic.councils.models import AgendaItem, Body, Material, Member, Session, SessionState
from civic.core.documents import MAX_BYTES
from civic.core.images import upload_dir
from civic.extensions import db
from tests.councils.manage_helpers import (
    EXE_BYTES, PDF_BYTES, count, fresh_request_globals, future, local_at, local_today, login, make_world, reload,
    text, zip_bytes,
)
from tests.factories import make_user

__all__ = ["fresh_request_globals"]


def _uploads() -> set[str]:
    return {p.name for p in upload_dir().iterdir()}


# --- A. bodies ----------------------------------------------------------------------------------------------------

def test_staff_create_a_body_with_the_rules_of_the_law_for_its_kind(app, client, auth):
    world = make_world(members=0)
    auth.login(world.staff.email)          # the real sign-in form, once
    client.set_cookie("lang", "en")
    page = client.get(f"/manage/c/{world.territory.slug}/bodies/new")
    assert page.status_code == 200 and 'name="kind"' in page.get_data(as_text=True)
    response = client.post(f"/manage/c/{world.territory.slug}/bodies/new",
                           data={"kind": "council", "name": "Орталық аумақтық кеңесі"})
    assert response.status_code == 303
    body = db.session.scalar(sa.select(Body).where(Body.territory_id == world.territory.id))
    assert response.headers["Location"].endswith(f"/bodies/{body.slug}/manage")
    assert (body.quorum_num, body.quorum_den, body.chair_breaks_tie) == (2, 3, True)   # 000 §11, §13
    page = text(client.get(f"/bodies/{body.slug}/manage"))
    assert "at least 2/3 of" in page and "the total membership" in page
    assert "a tie is decided by the chair's vote" in page
    assert body.name in text(client.get(f"/manage/c/{world.territory.slug}/bodies"))


def test_a_body_needs_a_name(app, client):
    world = make_world(members=0)
    login(client, world.staff)
    response = client.post(f"/manage/c/{world.territory.slug}/bodies/new", data={"kind": "meeting", "name": " "})
    assert response.status_code == 422
    assert "This field is required." in text(response)
    assert count(Body) == 0


@pytest.mark.parametrize("who", ["resident", "secretary", "akim"])
def test_only_staff_create_bodies(app, client, who):
    world = make_world(members=0)
    user = {"secretary": world.secretary, "akim": world.akim}.get(who) or make_user(locale="en")
    db.session.commit()
    login(client, user)
    assert client.get(f"/manage/c/{world.territory.slug}/bodies/new").status_code == 403
    assert client.post(f"/manage/c/{world.territory.slug}/bodies/new",
                       data={"kind": "meeting", "name": "Жиналыс"}).status_code == 403
    assert count(Body) == 0


def test_members_with_roles_terms_delegates_and_linked_accounts(app, client):
    world = make_world(members=0)
    login(client, world.staff)
    client.post(f"/manage/c/{world.territory.slug}/bodies/new", data={"kind": "meeting", "name": "Жиналыс"})
    body = db.session.scalar(sa.select(Body))
    today = local_today()
    response = client.post(f"/bodies/{body.slug}/members", data={
        "full_name": "Сейітов Нұрлан Асқарұлы", "role": "delegate", "represents": "Қарабұлақ ауылы",
        "term_from": (today - timedelta(days=400)).isoformat(), "term_until": (today + timedelta(days=400)).isoformat(),
        "email": world.chair_user.email.upper()})
    assert response.status_code == 303
    member = db.session.scalar(sa.select(Member))
    assert (member.user_id, member.represents) == (world.chair_user.id, "Қарабұлақ ауылы")
    page = text(client.get(f"/bodies/{body.slug}/manage"))
    assert "Сейітов Нұрлан Асқарұлы" in page and "Қарабұлақ ауылы" in page and "linked" in page

    # An unknown e-mail, a term ending before it starts, a second chair: refused, nothing added.
    response = client.post(f"/bodies/{body.slug}/members",
                           data={"full_name": "Белгісіз", "role": "member", "email": "nobody@example.kz"})
    assert response.status_code == 422 and "There is no account with this e-mail address." in text(response)
    response = client.post(f"/bodies/{body.slug}/members", data={
        "full_name": "Қате мерзім", "role": "member", "term_from": today.isoformat(),
        "term_until": (today - timedelta(days=1)).isoformat()})
    assert response.status_code == 422 and "The term cannot end before it starts." in text(response)
    assert client.post(f"/bodies/{body.slug}/members", data={"full_name": "Төраға Бір", "role": "chair"}).status_code == 303
    response = client.post(f"/bodies/{body.slug}/members", data={"full_name": "Төраға Екі", "role": "chair"})
    assert response.status_code == 422 and "The body already has a member in this role." in text(response)
    assert count(Member) == 2


def test_warnings_are_shown_not_silently_accepted__000_s6(app, client):
    """An even-sized territorial council and an expired term are shown prominently."""
    world = make_world(members=0)
    login(client, world.staff)
    client.post(f"/manage/c/{world.territory.slug}/bodies/new", data={"kind": "council", "name": "Кеңес"})
    body = db.session.scalar(sa.select(Body))
    for n in range(2):
        client.post(f"/bodies/{body.slug}/members", data={"full_name": f"Мүше {n}", "role": "member"})
    ended = local_today() - timedelta(days=3)
    client.post(f"/bodies/{body.slug}/members", data={
        "full_name": "Мерзімі біткен", "role": "member", "term_from": (ended - timedelta(days=1800)).isoformat(),
        "term_until": ended.isoformat()})
    page = text(client.get(f"/bodies/{body.slug}/manage"))
    assert 'role="alert"' in page
    assert "The council has an even number of members (2); the regulation requires an odd number." in page
    assert f"The term of Мерзімі біткен ended on {ended.isoformat()}." in page
    assert "not in office" in page


def test_the_territorys_secretary_manages_members_but_does_not_create_bodies(app, client):
    world = make_world(members=2)
    login(client, world.secretary)
    page = text(client.get(f"/bodies/{world.body.slug}/manage"))
    assert f'href="/manage/c/{world.territory.slug}/bodies"' not in page      # the staff's list is hidden
    assert client.post(f"/bodies/{world.body.slug}/members",
                       data={"full_name": "Жаңа мүше", "role": "member"}).status_code == 303
    assert client.get(f"/manage/c/{world.territory.slug}/bodies").status_code == 403


def test_residents_cannot_manage_a_body(app, client):
    world = make_world(members=2)
    login(client, make_user(locale="en"))
    assert client.get(f"/bodies/{world.body.slug}/manage").status_code == 403
    assert client.post(f"/bodies/{world.body.slug}/members", data={"full_name": "X", "role": "member"}).status_code == 403
    assert count(Member) == 2


# --- B. sessions: date, time, place; agenda; materials; announcement ------------------------------------------------

def test_a_new_session_is_entered_in_the_communitys_time_and_stored_in_utc(app, client):
    world = make_world(members=2)
    login(client, world.staff)
    day = local_today() + timedelta(days=15)
    response = client.post(f"/bodies/{world.body.slug}/sessions/new", data={
        "day": day.isoformat(), "start_time": "15:30", "place": "Мектеп акт залы",
        "online_link": "https://meet.example.kz/zhinalys", "is_open": "y"})
    assert response.status_code == 303
    session = db.session.scalar(sa.select(Session))
    assert session.starts_at == local_at(day, 15, 30)
    assert session.starts_at.utcoffset() == timedelta(0)
    assert (session.state, session.online_link, session.is_open) == (SessionState.DRAFT, "https://meet.example.kz/zhinalys", True)
    # The progress of earlier decisions is on every agenda (App. 2).
    assert [i.is_progress_report for i in session.items] == [True]
    page = text(client.get(f"/sessions/{session.id}/manage"))
    assert "15:30" in page and "Мектеп акт залы" in page


def test_a_session_in_the_past_is_refused_as_new(app, client):
    world = make_world(members=2)
    login(client, world.staff)
    day = local_today() - timedelta(days=1)
    response = client.post(f"/bodies/{world.body.slug}/sessions/new",
                           data={"day": day.isoformat(), "start_time": "10:00", "place": "Клуб"})
    assert response.status_code == 422
    page = text(response)
    assert "A new session cannot be in the past." in page
    assert 'id="day-error"' in page                      # tied to the date field
    assert count(Session) == 0


def test_a_draft_whose_date_has_passed_cannot_be_announced(app, client):
    world = make_world(members=2)
    session = sessions.create_session(world.staff, world.body, starts_at=future(3), place="Клуб")
    session.starts_at = local_at(local_today() - timedelta(days=2))
    db.session.commit()
    login(client, world.staff)
    response = client.post(f"/sessions/{session.id}/announce")
    assert response.status_code == 422
    assert "A session in the past cannot be announced." in text(response)
    session = reload(session)
    assert (session.state, session.announced_at) == (SessionState.DRAFT, None)


def test_a_javascript_link_is_refused(app, client):
    world = make_world(members=2)
    login(client, world.staff)
    day = local_today() + timedelta(days=15)
    response = client.post(f"/bodies/{world.body.slug}/sessions/new", data={
        "day": day.isoformat(), "start_time": "15:30", "place": "Клуб", "online_link": "javascript://x.kz/%0aalert(1)"})
    assert response.status_code == 422
    assert "Enter a full web address that starts with https://." in text(response)
    assert count(Session) == 0


def test_timeliness_of_notice_and_materials_before_and_after_announcing__001_app2_s6(app, client):
    world = make_world(members=2)
    login(client, world.staff)
    day = local_today() + timedelta(days=12)
    client.post(f"/bodies/{world.body.slug}/sessions/new", data={"day": day.isoformat(), "start_time": "15:00",
                                                                 "place": "Клуб"})
    session = db.session.scalar(sa.select(Session))
    page = text(client.get(f"/sessions/{session.id}/manage"))
    assert "Not announced yet. If you announce it today:" in page
    assert "In time" in page and "No materials yet" in page
    item = session.items[0]
    response = client.post(f"/sessions/{session.id}/items/{item.id}/materials",
                           data={f"m{item.id}-title": "Есеп", f"m{item.id}-document": (io.BytesIO(PDF_BYTES), "esep.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    assert client.post(f"/sessions/{session.id}/announce").status_code == 303
    session = reload(session)
    assert session.state == SessionState.ANNOUNCED and session.materials_at is not None
    page = text(client.get(f"/sessions/{session.id}/manage"))
    assert "Not announced yet" not in page
    assert page.count("In time") == 2                      # notice and materials both in time


def test_a_late_notice_is_allowed_and_shown__001_app2_s6(app, client):
    world = make_world(members=2)
    session = sessions.create_session(world.staff, world.body, starts_at=future(4), place="Клуб")
    db.session.commit()
    login(client, world.staff)
    page = text(client.get(f"/sessions/{session.id}/manage"))
    assert "The notice would be late. You may still announce it; the delay is shown publicly." in page
    response = client.post(f"/sessions/{session.id}/announce")
    assert response.status_code == 303
    page = text(client.get(response.headers["Location"]))
    assert "The notice is late: it was due by" in page
    assert "Late" in page
    assert reload(session).state == SessionState.ANNOUNCED


def test_moving_an_announced_session_needs_a_reason_and_bumps_its_revision(app, client):
    world = make_world(members=2)
    session = sessions.create_session(world.staff, world.body, starts_at=future(15), place="Клуб")
    sessions.announce(world.staff, session)
    db.session.commit()
    login(client, world.staff)
    page = text(client.get(f"/sessions/{session.id}/edit"))
    assert 'value="15:00"' in page                      # shown in the community's time
    new_day = local_today() + timedelta(days=20)
    data = {"day": new_day.isoformat(), "start_time": "11:00", "place": "Мектеп", "is_open": "y"}
    response = client.post(f"/sessions/{session.id}/edit", data=data)
    assert response.status_code == 422
    assert "Give the reason for moving an announced session." in text(response)
    assert reload(session).revision == 0
    response = client.post(f"/sessions/{session.id}/edit", data={**data, "reason": "Клуб жөндеуде"})
    assert response.status_code == 303
    session = reload(session)
    assert (session.revision, session.state_reason, session.starts_at) == (1, "Клуб жөндеуде", local_at(new_day, 11))


def test_agenda_items_are_added_and_removed_while_the_session_is_prepared(app, client):
    world = make_world(members=2)
    session = sessions.create_session(world.staff, world.body, starts_at=future(15), place="Клуб")
    db.session.commit()
    login(client, world.staff)
    response = client.post(f"/sessions/{session.id}/items", data={"title": "Бюджет жобасы", "rapporteur": "Бас есепші"})
    assert response.status_code == 303
    item = db.session.scalar(sa.select(AgendaItem).where(AgendaItem.title == "Бюджет жобасы"))
    assert client.post(f"/sessions/{session.id}/items", data={"title": ""}).status_code == 422
    progress = [i for i in reload(session).items if i.is_progress_report][0]
    response = client.post(f"/sessions/{session.id}/items/{progress.id}/remove")
    assert response.status_code == 422
    assert "The progress of earlier decisions is always on the agenda." in text(response)
    assert client.post(f"/sessions/{session.id}/items/{item.id}/remove").status_code == 303
    assert count(AgendaItem, AgendaItem.session_id == session.id) == 1


def test_materials_are_checked_by_content_stored_and_downloadable(app, client):
    world = make_world(members=2)
    session = sessions.create_session(world.staff, world.body, starts_at=future(15), place="Клуб")
    db.session.commit()
    item = session.items[0]
    login(client, world.staff)
    response = client.post(f"/sessions/{session.id}/items/{item.id}/materials",
                           data={f"m{item.id}-title": "Шешім жобасы",
                                 f"m{item.id}-document": (io.BytesIO(PDF_BYTES), "zhoba.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    material = db.session.scalar(sa.select(Material))
    assert (material.mime, material.size_bytes, material.original_name) == ("application/pdf", len(PDF_BYTES), "zhoba.pdf")
    page = text(client.get(f"/sessions/{session.id}/manage"))
    assert "Шешім жобасы" in page and "zhoba.pdf" in page
    download = client.get(f"/manage/materials/{material.id}")
    assert download.status_code == 200 and download.data == PDF_BYTES
    assert "attachment" in download.headers["Content-Disposition"]
    login(client, make_user(locale="en"))
    assert client.get(f"/manage/materials/{material.id}").status_code == 403


@pytest.mark.parametrize("payload, filename, message", [
    (zip_bytes(), "protocol.pdf", "The file's content does not match its name."),
    (EXE_BYTES, "report.pdf", "Only PDF and office documents (DOCX, XLSX, PPTX, ODT, ODS, ODP, DOC, XLS, PPT) are accepted."),
    (PDF_BYTES, "report.docx", "The file's content does not match its name."),
    (b"", "empty.pdf", "The file is empty."),
])
def test_a_disguised_file_is_refused_with_a_message_and_nothing_is_stored(app, client, payload, filename, message):
    world = make_world(members=2)
    session = sessions.create_session(world.staff, world.body, starts_at=future(15), place="Клуб")
    db.session.commit()
    item = session.items[0]
    login(client, world.staff)
    before = _uploads()
    response = client.post(f"/sessions/{session.id}/items/{item.id}/materials",
                           data={f"m{item.id}-title": "Файл", f"m{item.id}-document": (io.BytesIO(payload), filename)},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    page = text(response)
    assert message in page
    assert f'id="m{item.id}-document-error"' in page       # tied to the file field
    assert count(Material) == 0 and _uploads() == before


def test_an_oversize_file_is_refused(app, client):
    world = make_world(members=2)
    session = sessions.create_session(world.staff, world.body, starts_at=future(15), place="Клуб")
    db.session.commit()
    item = session.items[0]
    login(client, world.staff)
    before = _uploads()
    big = PDF_BYTES + b"0" * (MAX_BYTES + 1 - len(PDF_BYTES))       # one byte over the limit
    response = client.post(f"/sessions/{session.id}/items/{item.id}/materials",
                           data={f"m{item.id}-document": (io.BytesIO(big), "big.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "The file is larger than 20 MB." in text(response)
    # Far beyond the limit, the request itself is refused before it is read.
    huge = big + b"0" * (2 * 1024 * 1024)
    response = client.post(f"/sessions/{session.id}/items/{item.id}/materials",
                           data={f"m{item.id}-document": (io.BytesIO(huge), "huge.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert "File too large" in text(response)
    assert count(Material) == 0 and _uploads() == before


def test_a_material_larger_than_the_site_wide_request_limit_is_accepted_up_to_20_mb(app, client):
    """The site accepts requests of MAX_CONTENT_LENGTH (8 MB by default); materials may be 20 MB."""
    world = make_world(members=2)
    session = sessions.create_session(world.staff, world.body, starts_at=future(15), place="Клуб")
    db.session.commit()
    item = session.items[0]
    login(client, world.staff)
    assert app.config["MAX_CONTENT_LENGTH"] < 12 * 1024 * 1024
    doc = PDF_BYTES + b"0" * (12 * 1024 * 1024)
    response = client.post(f"/sessions/{session.id}/items/{item.id}/materials",
                           data={f"m{item.id}-document": (io.BytesIO(doc), "large.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    assert db.session.scalar(sa.select(Material)).size_bytes == len(doc)


def test_cancel_or_postpone_with_a_reason(app, client):
    world = make_world(members=2)
    session = sessions.create_session(world.staff, world.body, starts_at=future(15), place="Клуб")
    sessions.announce(world.staff, session)
    db.session.commit()
    login(client, world.staff)
    response = client.post(f"/sessions/{session.id}/call-off", data={"action": "postponed", "reason": ""})
    assert response.status_code == 422
    assert "Give the reason; it is shown publicly." in text(response)
    assert reload(session).state == SessionState.ANNOUNCED
    response = client.post(f"/sessions/{session.id}/call-off", data={"action": "postponed", "reason": "Су тасқыны"})
    assert response.status_code == 303
    session = reload(session)
    assert (session.state, session.state_reason, session.revision) == (SessionState.POSTPONED, "Су тасқыны", 1)


def test_residents_cannot_prepare_sessions(app, client):
    world = make_world(members=2)
    session = sessions.create_session(world.staff, world.body, starts_at=future(15), place="Клуб")
    sessions.announce(world.staff, session)
    db.session.commit()
    login(client, make_user(locale="en"))
    day = (local_today() + timedelta(days=15)).isoformat()
    assert client.post(f"/bodies/{world.body.slug}/sessions/new",
                       data={"day": day, "start_time": "10:00", "place": "Клуб"}).status_code == 403
    for url in (f"/sessions/{session.id}/manage", f"/sessions/{session.id}/edit"):
        assert client.get(url).status_code == 403
    for url in (f"/sessions/{session.id}/announce", f"/sessions/{session.id}/items", f"/sessions/{session.id}/call-off"):
        assert client.post(url, data={"title": "X", "action": "cancelled", "reason": "X"}).status_code == 403
    assert count(Session) == 1 and reload(session).state == SessionState.ANNOUNCED


def test_the_upload_of_a_large_material_still_checks_the_csrf_token(make_app):
    """The upload is exempt from the site-wide check only to raise its size limit first."""
    import re
    application = make_app(WTF_CSRF_ENABLED=True)
    with application.app_context():
        client = application.test_client()
        world = make_world(members=2)
        session = sessions.create_session(world.staff, world.body, starts_at=future(15), place="Клуб")
        db.session.commit()
        item_id = session.items[0].id
        login(client, world.staff)
        page = client.get(f"/sessions/{session.id}/manage").get_data(as_text=True)
        token = re.search(rf'name="m{item_id}-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        doc = PDF_BYTES + b"0" * (9 * 1024 * 1024)
        url = f"/sessions/{session.id}/items/{item_id}/materials"
        refused = client.post(url, data={f"m{item_id}-document": (io.BytesIO(doc), "a.pdf")},
                              content_type="multipart/form-data")
        assert refused.status_code == 400 and count(Material) == 0
        accepted = client.post(url, data={f"m{item_id}-csrf_token": token,
                                          f"m{item_id}-document": (io.BytesIO(doc), "a.pdf")},
                               content_type="multipart/form-data")
        assert accepted.status_code == 303
        assert count(Material) == 1
        db.session.remove()
