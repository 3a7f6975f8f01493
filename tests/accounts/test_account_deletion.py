"""Deleting one's own account: password and checkbox required; personal data gone, history anonymous."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from civic.accounts.models import LoginSession, Residency, RoleAssignment, User
from civic.communities.models import RoleKind
from civic.core.audit import AuditEntry, verify_chain
from civic.extensions import db
from tests.accounts.account_helpers import (  # noqa: F401 (autouse fixtures)
    client_with_session, count, english, form_errors, fresh_request_globals, login, page_text,
    quick_password_hashing, registration, session_cookie, signed_in,
)
from tests.factories import PASSWORD, grant, make_resident, make_territory, make_user

SURNAME, GIVEN_NAME, PATRONYMIC = "Төлеуова", "Сәуле", "Ерланқызы"


@pytest.fixture
def person(app):
    user = make_user(surname=SURNAME, given_name=GIVEN_NAME, patronymic=PATRONYMIC)
    territory = make_territory()
    make_resident(territory, user=user)
    grant(user, territory, RoleKind.MEMBER)
    db.session.commit()
    return user


@pytest.fixture
def signed_in_client(client, person):
    assert login(client, person.email, PASSWORD).status_code == 303
    english(client)
    return client


def _delete(client, password=PASSWORD, confirm=True):
    data = {"password": password}
    if confirm:
        data["confirm"] = "y"
    return client.post("/account/delete", data=data)


def _still_there(user_id) -> bool:
    db.session.expire_all()
    return db.session.get(User, user_id) is not None


def test_delete_page_needs_sign_in(client, person):
    response = client.get("/account/delete")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login")
    response = _delete(client)
    assert response.status_code == 302
    assert _still_there(person.id)


def test_delete_page_shows_the_form(signed_in_client):
    response = signed_in_client.get("/account/delete")
    assert response.status_code == 200
    body = page_text(response)
    assert 'name="password"' in body and 'name="confirm"' in body
    assert 'type="checkbox"' in body


def test_wrong_password_deletes_nothing(signed_in_client, person):
    response = _delete(signed_in_client, password="this is not my password")

    assert response.status_code == 422
    assert "The password is wrong. Your account was not deleted." in form_errors(response)
    assert _still_there(person.id)
    assert count(Residency, Residency.user_id == person.id) == 1
    assert count(RoleAssignment, RoleAssignment.user_id == person.id) == 1
    assert count(AuditEntry, AuditEntry.action == "account.deleted") == 0
    assert signed_in(signed_in_client)


def test_checkbox_is_required(signed_in_client, person):
    response = _delete(signed_in_client, confirm=False)

    assert response.status_code == 422
    assert "Please tick the box to confirm." in form_errors(response)
    assert _still_there(person.id)
    assert count(AuditEntry) == 0
    assert signed_in(signed_in_client)


def test_password_is_required(signed_in_client, person):
    response = _delete(signed_in_client, password="")
    assert response.status_code == 422
    assert "This field is required." in form_errors(response)
    assert _still_there(person.id)


def test_deletion_removes_the_person_and_signs_out_everywhere(app, signed_in_client, person):
    user_id, email = person.id, person.email
    phone = app.test_client()
    login(phone, email, PASSWORD)
    copied = session_cookie(signed_in_client)

    response = _delete(signed_in_client)

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "Your account and personal data have been deleted." in page_text(signed_in_client.get("/"))
    db.session.expire_all()
    assert db.session.get(User, user_id) is None
    assert count(User, User.email == email) == 0
    assert count(Residency, Residency.user_id == user_id) == 0
    assert count(RoleAssignment, RoleAssignment.user_id == user_id) == 0
    assert count(LoginSession, LoginSession.user_id == user_id) == 0
    assert not signed_in(signed_in_client)
    assert not signed_in(phone)
    assert not signed_in(client_with_session(app, copied))
    # The old credentials are simply unknown now.
    assert login(app.test_client(), email, PASSWORD).status_code == 422


def test_audit_entry_keeps_no_name_or_email(signed_in_client, person):
    user_id, email = person.id, person.email

    assert _delete(signed_in_client).status_code == 303

    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "account.deleted")).all()
    assert len(entries) == 1
    entry = entries[0]
    assert entry.actor_id == user_id
    assert (entry.object_type, entry.object_id) == ("user", str(user_id))
    everything = " ".join(str(v) for v in (entry.actor_id, entry.action, entry.object_type, entry.object_id,
                                           entry.details, entry.content()))
    for personal in (email, email.split("@")[0], SURNAME, GIVEN_NAME, PATRONYMIC):
        assert personal not in everything
    assert verify_chain().ok


def test_records_made_by_the_person_for_others_stay_without_their_name(signed_in_client, person):
    """Roles they granted and residencies they verified stay, no longer pointing at them."""
    colleague = make_user()
    territory = make_territory()
    role = grant(colleague, territory, RoleKind.SECRETARY)
    role.granted_by_id = person.id
    residency = make_resident(territory, user=colleague)
    residency.verified_by_id = person.id
    db.session.commit()
    role_id, residency_id = role.id, residency.id

    assert _delete(signed_in_client).status_code == 303

    db.session.expire_all()
    role, residency = db.session.get(RoleAssignment, role_id), db.session.get(Residency, residency_id)
    assert role is not None and role.granted_by_id is None
    assert residency is not None and residency.verified_by_id is None
    assert db.session.get(User, colleague.id) is not None


def test_other_accounts_are_untouched(signed_in_client, person):
    other = make_user()
    make_resident(make_territory(), user=other)
    db.session.commit()
    assert _delete(signed_in_client).status_code == 303
    assert _still_there(other.id)
    assert count(Residency, Residency.user_id == other.id) == 1


def test_the_address_can_be_registered_again_afterwards(client, signed_in_client, person, outbox):
    email = person.email
    assert _delete(signed_in_client).status_code == 303
    response = client.post("/account/register", data=registration(email=email))
    assert response.status_code == 303
    assert count(User, User.email == email) == 1
