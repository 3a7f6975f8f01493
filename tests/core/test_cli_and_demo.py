"""The ``flask civic`` commands: the demo community and creating an administrator."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from civic.accounts.iin import iin_hmac, is_valid_iin
from civic.accounts.models import RegisterEntry, Residency, RoleAssignment, User
from civic.accounts.passwords import verify_password
from civic.accounts.residency import claim_residency
from civic.communities.models import RoleKind, Territory, TerritoryKind
from civic.core.audit import AuditEntry, verify_chain
from civic.demo import DEMO_PASSWORD
from civic.extensions import db
from tests.factories import PASSWORD, make_territory, make_user
from tests.fast_passwords import fast_passwords  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("fast_passwords")


def cli(app, *args, **kwargs):
    result = app.test_cli_runner().invoke(args=["civic", *args], **kwargs)
    db.session.rollback()      # the command ran in its own session: look afresh
    db.session.expire_all()
    return result


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def by_slug(slug) -> Territory:
    return db.session.scalar(sa.select(Territory).where(Territory.slug == slug))


def user(email) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


@pytest.fixture
def demo(app, monkeypatch):
    """Run ``flask civic demo`` once, remembering every IIN it fingerprinted."""
    import civic.demo
    seen: list[str] = []
    real = civic.demo.iin_hmac

    def recording(raw, key=None):
        seen.append(raw)
        return real(raw, key)

    monkeypatch.setattr(civic.demo, "iin_hmac", recording)
    result = cli(app, "demo")
    assert result.exit_code == 0, result.output
    return result, seen


def check_territories(result):
    assert "Demo community loaded" in result.output
    assert DEMO_PASSWORD in result.output
    rural = by_slug("karabulak")
    assert rural.kind == TerritoryKind.RURAL_DISTRICT
    assert rural.parent.kind == TerritoryKind.DISTRICT
    assert rural.parent.parent.kind == TerritoryKind.REGION and rural.parent.parent.parent is None
    villages = rural.children
    assert len(villages) == 3 and all(v.kind == TerritoryKind.VILLAGE for v in villages)
    assert rural.akimat_name_kk and rural.address and rural.population
    city = by_slug("zhanaqala")
    assert city.kind == TerritoryKind.CITY and city.parent_id == rural.parent.parent_id
    assert [c.kind for c in city.children] == [TerritoryKind.ELECTORAL_DISTRICT]


def check_register(seen):
    rural = by_slug("karabulak")
    entries = db.session.scalars(sa.select(RegisterEntry).where(RegisterEntry.territory_id == rural.id)).all()
    assert 55 <= len(entries) <= 65
    assert seen and all(is_valid_iin(iin) for iin in seen)
    valid_hashes = {iin_hmac(iin) for iin in seen}
    assert {e.iin_hmac for e in entries} <= valid_hashes
    assert len({e.iin_hmac for e in entries}) == len(entries)
    assert all(e.surname and e.given_name and e.address for e in entries)
    # Nothing stores the IIN itself.
    with db.engine.connect() as conn:
        stored = " ".join(str(v) for table in ("register_entry", "residency", "register_import", "audit_entry")
                          for row in conn.execute(sa.text(f"SELECT * FROM {table}")) for v in row)
    assert not any(iin in stored for iin in seen)
    # Verified residents are people on the register.
    residencies = db.session.scalars(sa.select(Residency).where(Residency.territory_id == rural.id)).all()
    assert len(residencies) == 10
    assert {r.iin_hmac for r in residencies} <= {e.iin_hmac for e in entries}
    office = [r for r in residencies if r.method == "office"]
    assert office and all(r.verified_by_id == user("staff@ortaq-demo.kz").id for r in office)


def check_roles():
    rural, city = by_slug("karabulak"), by_slug("zhanaqala")

    def holds(email, territory, kind):
        return count(RoleAssignment, RoleAssignment.user_id == user(email).id,
                     RoleAssignment.territory_id == territory.id, RoleAssignment.kind == kind) == 1

    assert holds("staff@ortaq-demo.kz", rural, RoleKind.STAFF)
    assert holds("secretary@ortaq-demo.kz", rural, RoleKind.SECRETARY)
    assert holds("chair@ortaq-demo.kz", rural, RoleKind.CHAIR)
    assert holds("city-staff@ortaq-demo.kz", city, RoleKind.STAFF)
    assert user("admin@ortaq-demo.kz").is_admin
    assert rural.can_manage(user("staff@ortaq-demo.kz"))
    assert not rural.can_manage(user("chair@ortaq-demo.kz"))
    assert not rural.can_manage(user("city-staff@ortaq-demo.kz"))
    assert all(u.is_confirmed for u in db.session.scalars(sa.select(User)))
    assert verify_password(user("staff@ortaq-demo.kz").password_hash, DEMO_PASSWORD)
    assert verify_chain().ok
    assert count(AuditEntry, AuditEntry.action == "demo.loaded") == 1


def check_newcomer_can_claim(result):
    match = re.search(r"IIN (\d{12}), surname (\S+)", result.output)
    assert match, result.output
    iin, surname = match.groups()
    assert is_valid_iin(iin)
    newcomer = user("newcomer@ortaq-demo.kz")
    rural = by_slug("karabulak")
    claim_residency(newcomer, rural, iin, surname.upper())
    db.session.commit()
    assert newcomer.is_resident_of(rural)


def check_staff_sign_in(client, auth):
    client.set_cookie("lang", "en")
    auth.login("staff@ortaq-demo.kz", DEMO_PASSWORD)
    response = client.get("/manage/c/karabulak/register")
    assert response.status_code == 200
    assert re.search(r"The register holds \d+ residents\.", response.get_data(as_text=True))


def check_runs_only_once(app):
    before = {m.__name__: count(m) for m in (Territory, User, RegisterEntry, Residency, AuditEntry)}
    again = cli(app, "demo", "--if-empty")
    assert again.exit_code == 0, again.output
    assert "already has data" in again.output
    refused = cli(app, "demo")
    assert refused.exit_code != 0
    assert "loads only into an empty one" in refused.output
    after = {m.__name__: count(m) for m in (Territory, User, RegisterEntry, Residency, AuditEntry)}
    assert after == before


def test_demo_loads_a_rural_district_with_villages_register_and_roles_and_a_city(demo):
    # One run of the demo (it takes a while), checked from several sides.
    result, seen = demo
    check_territories(result)
    check_register(seen)
    check_roles()


def test_demo_is_usable_and_loads_only_into_an_empty_database(demo, app, client, auth):
    result, _ = demo
    check_runs_only_once(app)
    check_newcomer_can_claim(result)
    check_staff_sign_in(client, auth)


def test_demo_refuses_a_database_with_a_territory(app):
    make_territory()
    db.session.commit()
    assert cli(app, "demo").exit_code != 0
    assert cli(app, "demo", "--if-empty").exit_code == 0
    assert by_slug("karabulak") is None


def test_demo_refuses_a_database_with_users(app):
    make_user()
    db.session.commit()
    assert cli(app, "demo").exit_code != 0
    assert by_slug("karabulak") is None


# --- create-admin -------------------------------------------------------------

def test_create_admin_with_a_password_creates_a_confirmed_admin(app, client, auth):
    result = cli(app, "create-admin", "--email", "Root@Example.kz", "--surname", "Әкімшіұлы", "--name", "Админ",
                 "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    assert "Administrator root@example.kz is ready." in result.output
    admin = user("root@example.kz")
    assert admin.is_admin and admin.is_confirmed
    assert (admin.surname, admin.given_name) == ("Әкімшіұлы", "Админ")
    assert verify_password(admin.password_hash, PASSWORD)
    assert count(AuditEntry, AuditEntry.action == "admin.created") == 1
    auth.login("root@example.kz")
    assert client.get("/manage").status_code == 200


def test_create_admin_reads_the_password_from_the_environment(app):
    result = cli(app, "create-admin", "--email", "env@example.kz", "--surname", "Сейітов", "--name", "Самат",
                 env={"ORTAQ_ADMIN_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    assert user("env@example.kz").is_admin


def test_create_admin_promotes_an_existing_account(app):
    make_user("someone@example.kz", confirmed=False)
    db.session.commit()
    result = cli(app, "create-admin", "--email", "someone@example.kz", "--surname", "x", "--name", "y",
                 "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    promoted = user("someone@example.kz")
    assert promoted.is_admin and promoted.is_confirmed
    assert count(User) == 1


def test_create_admin_refuses_a_weak_password(app):
    result = cli(app, "create-admin", "--email", "weak@example.kz", "--surname", "Сейітов", "--name", "Самат",
                 "--password", "123")
    assert result.exit_code != 0
    assert user("weak@example.kz") is None
