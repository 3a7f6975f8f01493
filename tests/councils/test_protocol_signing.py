"""The protocol: generated from the record, edited while unsigned, signed by the chair and the
secretary with their own accounts over the exact text (SHA-256), published, corrected as a new
version. Clause: 001 App. 2 §12 (the five parts of the protocol; chair and secretary sign it).
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from civic.councils import protocols
from civic.councils.models import SessionState
from civic.councils.record_models import Protocol, ProtocolSignature
from civic.extensions import db
from tests.councils.manage_helpers import (
    count, fresh_request_globals, held_session, login, make_world, reload, signed_session, text,
)
from tests.factories import make_user

__all__ = ["fresh_request_globals"]


def _draft(client, world, session) -> Protocol:
    login(client, world.staff)
    assert client.post(f"/sessions/{session.id}/protocol", data={"action": "draft"}).status_code == 303
    return db.session.scalar(sa.select(Protocol).where(Protocol.session_id == session.id))


def test_the_draft_is_generated_from_the_record_with_its_five_parts__001_app2_s12(app, client):
    world = make_world(members=4)
    session = held_session(world)
    login(client, world.staff)
    page = text(client.get(f"/sessions/{session.id}/protocol"))
    assert "Generate the draft protocol" in page
    protocol = _draft(client, world, session)
    assert protocol.version == 1 and protocol.state == "draft"
    for part in ("1. Өткізілген күні мен орны", "2. Қатысқан мүшелер: 4", "3. Басқа қатысушылар: 1",
                 "4. Төраға:", "5. Күн тәртібі:", "Сөйлеген:", "ШЕШІМ ҚАБЫЛДАНДЫ"):
        assert part in protocol.text
    page = text(client.get(f"/sessions/{session.id}/protocol"))
    assert protocols.text_sha256(protocol.text) in page
    assert "Save the draft" in page
    # Generating again does not make a second version.
    assert client.post(f"/sessions/{session.id}/protocol", data={"action": "draft"}).status_code == 303
    assert count(Protocol) == 1


def test_the_secretary_edits_the_wording_while_nobody_has_signed(app, client):
    world = make_world(members=4)
    session = held_session(world)
    protocol = _draft(client, world, session)
    edited = protocol.text.replace("Көше жарығын жөндеу", "Көше жарығын 2027 жылға дейін жөндеу")
    response = client.post(f"/sessions/{session.id}/protocol",
                           data={"action": "save", "text": edited.replace("\n", "\r\n")})
    assert response.status_code == 303
    protocol = reload(protocol)
    assert protocol.text == edited                       # line ends normalised before hashing
    assert protocols.text_sha256(edited) in text(client.get(f"/sessions/{session.id}/protocol"))
    response = client.post(f"/sessions/{session.id}/protocol", data={"action": "save", "text": "  "})
    assert response.status_code == 422 and "The protocol cannot be empty." in text(response)
    assert reload(protocol).text == edited


def test_a_protocol_cannot_be_written_before_the_session_is_closed(app, client):
    from tests.councils.manage_helpers import running_session
    world = make_world(members=4)
    session = running_session(world)
    login(client, world.staff)
    response = client.post(f"/sessions/{session.id}/protocol", data={"action": "draft"})
    assert response.status_code == 422
    assert "The protocol is written after the session is closed." in text(response)
    assert count(Protocol) == 0


@pytest.mark.parametrize("who", ["staff", "territory_secretary", "another_member", "stranger"])
def test_signing_by_someone_who_is_not_the_chair_or_the_secretary_is_forbidden__001_app2_s12(app, client, who):
    world = make_world(members=4)
    session = held_session(world)
    protocol = _draft(client, world, session)
    if who == "another_member":
        user = make_user(locale="en")
        world.members[2].user_id = user.id
    else:
        user = {"staff": world.staff, "territory_secretary": world.secretary}.get(who) or make_user(locale="en")
    db.session.commit()
    login(client, user)
    response = client.post(f"/protocols/{protocol.id}/sign", data={"expected_sha256": protocols.text_sha256(protocol.text)})
    assert response.status_code == 403
    if who in ("staff", "territory_secretary"):
        assert "Only the chair and the secretary of the session sign its protocol." in text(response)
    assert count(ProtocolSignature) == 0
    assert reload(protocol).sha256 is None


def test_only_signers_see_the_sign_button(app, client):
    world = make_world(members=4)
    session = held_session(world)
    _draft(client, world, session)
    assert "Sign the protocol" not in text(client.get(f"/sessions/{session.id}/protocol"))   # staff
    login(client, world.chair_user)
    page = text(client.get(f"/sessions/{session.id}/protocol"))
    assert "Sign the protocol" in page
    assert "Save the draft" not in page and "Secretary's screen" not in page      # a signer does not edit
    assert client.post(f"/sessions/{session.id}/protocol", data={"action": "save", "text": "X"}).status_code == 403
    login(client, make_user(locale="en"))
    assert client.get(f"/sessions/{session.id}/protocol").status_code == 403


def test_a_signature_covers_the_exact_text_shown(app, client):
    world = make_world(members=4)
    session = held_session(world)
    protocol = _draft(client, world, session)
    login(client, world.chair_user)
    response = client.post(f"/protocols/{protocol.id}/sign", data={"expected_sha256": "0" * 64})
    assert response.status_code == 422
    assert "The text changed since you opened it. Read it again before signing." in text(response)
    assert count(ProtocolSignature) == 0
    digest = protocols.text_sha256(protocol.text)
    assert client.post(f"/protocols/{protocol.id}/sign", data={"expected_sha256": digest}).status_code == 303
    signature = db.session.scalar(sa.select(ProtocolSignature))
    assert (signature.capacity, signature.user_id, signature.sha256) == ("chair", world.chair_user.id, digest)
    response = client.post(f"/protocols/{protocol.id}/sign", data={"expected_sha256": digest})
    assert response.status_code == 422 and "You have already signed this protocol." in text(response)
    assert count(ProtocolSignature) == 1


def test_editing_a_signed_protocol_is_refused_and_nothing_changes(app, client):
    world = make_world(members=4)
    session = held_session(world)
    protocol = _draft(client, world, session)
    original = protocol.text
    login(client, world.chair_user)
    client.post(f"/protocols/{protocol.id}/sign", data={"expected_sha256": protocols.text_sha256(original)})
    login(client, world.staff)
    page = text(client.get(f"/sessions/{session.id}/protocol"))
    assert "Save the draft" not in page                     # the control is gone once signed
    response = client.post(f"/sessions/{session.id}/protocol", data={"action": "save", "text": original + "Қосымша."})
    assert response.status_code == 422
    assert "A signed protocol is frozen; make a correction instead." in text(response)
    assert reload(protocol).text == original
    assert reload(protocol).sha256 == protocols.text_sha256(original)


def test_publishing_needs_both_signatures_then_the_session_is_published(app, client):
    world = make_world(members=4)
    session = held_session(world)
    protocol = _draft(client, world, session)
    digest = protocols.text_sha256(protocol.text)
    login(client, world.chair_user)
    client.post(f"/protocols/{protocol.id}/sign", data={"expected_sha256": digest})
    login(client, world.staff)
    response = client.post(f"/protocols/{protocol.id}/publish")
    assert response.status_code == 422
    assert "Only a protocol signed by both the chair and the secretary is published." in text(response)
    assert reload(protocol).state == "draft"
    login(client, world.minutes_user)
    assert client.post(f"/protocols/{protocol.id}/sign", data={"expected_sha256": digest}).status_code == 303
    assert (reload(protocol).state, reload(session).state) == ("signed", SessionState.SIGNED)
    login(client, world.chair_user)
    assert client.post(f"/protocols/{protocol.id}/publish").status_code == 403     # signers do not publish
    login(client, world.secretary)                                                   # the territory's secretary
    assert client.post(f"/protocols/{protocol.id}/publish").status_code == 303
    assert reload(protocol).state == "published" and reload(protocol).published_at is not None
    assert reload(session).state == SessionState.PUBLISHED


def test_a_correction_is_a_new_version_with_a_reason_and_the_old_one_stays(app, client):
    world = make_world(members=4)
    session, protocol = signed_session(world, publish=True)
    old_text, old_sha = protocol.text, protocol.sha256
    login(client, world.staff)
    corrected = old_text.replace("Көше жарығын жөндеу", "Көше жарығын жөндеу (түзетілді)")
    response = client.post(f"/protocols/{protocol.id}/correct", data={"text": corrected, "reason": ""})
    assert response.status_code == 422
    assert "Give the reason for the correction." in text(response)
    assert count(Protocol) == 1
    response = client.post(f"/protocols/{protocol.id}/correct", data={"text": corrected, "reason": "Қате жазылған"})
    assert response.status_code == 303
    versions = db.session.scalars(sa.select(Protocol).order_by(Protocol.version)).all()
    assert [(v.version, v.state) for v in versions] == [(1, "superseded"), (2, "draft")]
    assert versions[0].text == old_text and versions[0].sha256 == old_sha
    assert versions[1].correction_reason == "Қате жазылған"
    page = text(client.get(f"/sessions/{session.id}/protocol"))
    assert "Earlier versions" in page and old_sha in page and "correction: Қате жазылған" in page
    # The new version is signed again by both.
    digest = protocols.text_sha256(corrected)
    for signer in (world.chair_user, world.minutes_user):
        login(client, signer)
        assert client.post(f"/protocols/{versions[1].id}/sign", data={"expected_sha256": digest}).status_code == 303
    assert reload(versions[1]).state == "signed"
    # The superseded version cannot be signed or corrected any more.
    response = client.post(f"/protocols/{versions[0].id}/sign", data={"expected_sha256": old_sha})
    assert response.status_code == 422


def test_a_chair_without_an_account_cannot_sign(app, client):
    world = make_world(members=4)
    session = held_session(world)
    protocol = _draft(client, world, session)
    world.members[0].user_id = None                 # the chair's member record has no account
    db.session.commit()
    login(client, world.chair_user)
    assert client.get(f"/sessions/{session.id}/protocol").status_code == 403
    response = client.post(f"/protocols/{protocol.id}/sign", data={"expected_sha256": protocols.text_sha256(protocol.text)})
    assert response.status_code == 403
    assert count(ProtocolSignature) == 0
