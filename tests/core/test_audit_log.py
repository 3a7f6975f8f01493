"""The hash-chained audit log: every entry carries the previous entry's hash, so
changing, deleting or re-linking a row is detected at the first broken row."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from civic.core import audit
from civic.core.audit import GENESIS, AuditEntry, verify_chain
from civic.extensions import db
from tests.factories import grant, make_territory, make_user
from tests.fast_passwords import fast_passwords  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("fast_passwords")


def build_chain(n: int = 5) -> list[int]:
    ids = []
    for i in range(n):
        entry = audit.record(f"test.action{i}", actor=100 + i, object_type="thing", object_id=i,
                             note=f"entry {i}", тіл="қазақша")
        ids.append(entry.id)
    db.session.commit()
    return ids


def raw(sql: str, **params) -> None:
    """Tamper behind the application's back, as someone with database access would."""
    db.session.rollback()  # end the session's read snapshot so it sees the change
    with db.engine.begin() as conn:
        conn.execute(sa.text(sql), params)
    db.session.expire_all()


def rows() -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))


def cli(app, *args):
    return app.test_cli_runner().invoke(args=["civic", *args])


# --- the chain --------------------------------------------------------------------

def test_entries_chain_by_prev_hash(app):
    ids = build_chain(5)
    assert ids == [1, 2, 3, 4, 5]
    chain = rows()
    assert chain[0].prev_hash == GENESIS
    for earlier, later in zip(chain, chain[1:]):
        assert later.prev_hash == earlier.hash
    for entry in chain:
        assert entry.hash == entry.compute_hash()
        assert len(entry.hash) == 64
    assert len({e.hash for e in chain}) == 5
    assert audit.head_hash() == chain[-1].hash
    assert chain[2].details_dict == {"note": "entry 2", "тіл": "қазақша"}
    assert (chain[2].actor_id, chain[2].object_type, chain[2].object_id) == (102, "thing", "2")


def test_an_entry_may_name_an_object_and_an_actor(app):
    user = make_user()
    territory = make_territory()
    entry = audit.record("territory.touched", actor=user, obj=territory, why="test")
    db.session.commit()
    assert (entry.actor_id, entry.object_type, entry.object_id) == (user.id, "territory", str(territory.id))


def test_an_empty_log_and_an_intact_log_verify(app):
    report = verify_chain()
    assert (report.ok, report.count, report.first_broken_id) == (True, 0, None)
    build_chain(7)
    report = verify_chain()
    assert (report.ok, report.count, report.first_broken_id) == (True, 7, None)


def test_the_chain_verifies_across_batches(app):
    build_chain(7)
    assert verify_chain(batch=2).ok
    assert verify_chain(batch=2).count == 7
    raw("UPDATE audit_entry SET action = 'forged' WHERE id = 6")
    report = verify_chain(batch=2)
    assert (report.ok, report.first_broken_id, report.count) == (False, 6, 5)


def test_verifying_leaves_the_callers_session_alone(app):
    build_chain(3)
    user = make_user(surname="Бұрынғы")
    db.session.commit()
    loaded = rows()
    user.surname = "Жаңа"           # a pending change in the caller's unit of work
    assert verify_chain(batch=1).ok
    assert user in db.session and all(e in db.session for e in loaded)
    db.session.commit()
    db.session.expire_all()
    assert user.surname == "Жаңа"


# --- tampering is found at the first broken row --------------------------------------

def test_changing_a_rows_details_is_detected_at_that_row(app):
    build_chain(5)
    raw("UPDATE audit_entry SET details = :d WHERE id = 3", d=json.dumps({"note": "rewritten"}))
    report = verify_chain()
    assert not report.ok
    assert report.first_broken_id == 3
    assert report.count == 2
    assert "content" in report.reason


def test_changing_any_column_is_detected(app):
    build_chain(5)
    originals = {e.id: e for e in rows()}
    for column, value in [("action", "role.granted"), ("actor_id", 999), ("object_type", "user"),
                          ("object_id", "42"), ("created_at", "2001-01-01 00:00:00.000000")]:
        saved = {c.name: getattr(originals[4], c.name) for c in AuditEntry.__table__.columns}
        raw(f"UPDATE audit_entry SET {column} = :v WHERE id = 4", v=value)
        report = verify_chain()
        assert (report.ok, report.first_broken_id) == (False, 4), column
        db.session.rollback()
        with db.engine.begin() as conn:  # put the row back as it was
            conn.execute(AuditEntry.__table__.update().where(AuditEntry.__table__.c.id == 4).values(**saved))
        db.session.expire_all()
        assert verify_chain().ok, column


def test_deleting_a_middle_row_is_detected_at_the_next_row(app):
    build_chain(5)
    raw("DELETE FROM audit_entry WHERE id = 3")
    report = verify_chain()
    assert (report.ok, report.first_broken_id, report.count) == (False, 4, 2)
    assert "missing" in report.reason


def test_deleting_the_first_row_is_detected(app):
    build_chain(4)
    raw("DELETE FROM audit_entry WHERE id = 1")
    assert verify_chain().first_broken_id == 2


def test_changing_prev_hash_is_detected_at_that_row(app):
    build_chain(5)
    raw("UPDATE audit_entry SET prev_hash = :h WHERE id = 4", h="f" * 64)
    report = verify_chain()
    assert (report.ok, report.first_broken_id) == (False, 4)
    assert "previous hash" in report.reason


def test_a_forger_who_recomputes_the_rows_hash_breaks_the_next_link(app):
    build_chain(5)
    entry = rows()[1]  # id 2
    entry.details = json.dumps({"note": "forged"})
    forged_hash = entry.compute_hash()
    db.session.rollback()
    raw("UPDATE audit_entry SET details = :d, hash = :h WHERE id = 2", d=json.dumps({"note": "forged"}), h=forged_hash)
    report = verify_chain()
    assert (report.ok, report.first_broken_id) == (False, 3)


def test_re_linking_a_whole_copy_needs_every_later_row(app):
    build_chain(4)
    raw("UPDATE audit_entry SET prev_hash = :h WHERE id = 1", h="1" * 64)
    assert verify_chain().first_broken_id == 1


def test_the_first_of_several_broken_rows_is_named(app):
    build_chain(6)
    raw("UPDATE audit_entry SET details = '{}' WHERE id IN (2, 5)")
    raw("DELETE FROM audit_entry WHERE id = 4")
    assert verify_chain().first_broken_id == 2


def test_new_entries_after_a_break_do_not_heal_it(app):
    build_chain(3)
    raw("UPDATE audit_entry SET details = '{}' WHERE id = 2")
    audit.record("later.action")
    db.session.commit()
    assert verify_chain().first_broken_id == 2


# --- the command line -------------------------------------------------------------

def test_audit_verify_command_exits_0_when_intact(app):
    build_chain(4)
    result = cli(app, "audit-verify")
    assert result.exit_code == 0, result.output
    assert "Audit chain intact: 4 entries." in result.output


def test_audit_verify_command_fails_naming_the_broken_id(app):
    build_chain(6)
    raw("UPDATE audit_entry SET details = :d WHERE id = 5", d=json.dumps({"note": "rewritten"}))
    result = cli(app, "audit-verify")
    assert result.exit_code != 0
    assert "BROKEN at entry 5" in result.output
    assert "4 entries before it are intact" in result.output


def test_audit_verify_command_names_the_row_after_a_deleted_one(app):
    build_chain(6)
    raw("DELETE FROM audit_entry WHERE id = 2")
    result = cli(app, "audit-verify")
    assert result.exit_code != 0
    assert "BROKEN at entry 3" in result.output


# --- the page ---------------------------------------------------------------------

def test_the_audit_page_is_403_for_plain_users_and_members(client, auth, app):
    from civic.communities.models import RoleKind
    territory = make_territory()
    make_user("plain@example.kz")
    member = make_user("member@example.kz")
    grant(member, territory, RoleKind.MEMBER)
    db.session.commit()
    build_chain(3)
    response = client.get("/manage/audit")
    assert response.status_code in (302, 403)
    for email in ("plain@example.kz", "member@example.kz"):
        auth.login(email)
        response = client.get("/manage/audit")
        assert response.status_code == 403, email
        assert "test.action" not in response.get_data(as_text=True)
        auth.logout()


def test_the_audit_page_shows_the_chain_to_staff_and_admins(client, auth, app):
    territory = make_territory()
    staff = make_user("staff@example.kz")
    grant(staff, territory)
    make_user("admin@example.kz", admin=True)
    db.session.commit()
    build_chain(3)
    client.set_cookie("lang", "en")
    for email in ("staff@example.kz", "admin@example.kz"):
        auth.login(email)
        response = client.get("/manage/audit")
        assert response.status_code == 200, email
        html = response.get_data(as_text=True)
        assert "The chain of" in html and "is intact." in html
        assert "test.action2" in html
        auth.logout()
    raw("UPDATE audit_entry SET details = '{}' WHERE id = 2")
    auth.login("admin@example.kz")
    html = client.get("/manage/audit").get_data(as_text=True)
    assert "The chain is broken at entry 2." in html
