"""The territory tree, who manages what, and the role assignment pages.

Hierarchy (000 §2, §6): region > district or city of regional significance >
rural district, town, settlement, village; cities are divided into electoral
districts of the city maslikhat.
"""
from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from civic.accounts.models import RoleAssignment, User
from civic.communities.models import RoleKind, Territory, TerritoryKind as K
from civic.communities.services import create_territory, slugify, update_territory
from civic.core.errors import DomainError, NotAllowed
from civic.extensions import db
from tests.accounts.register_files import audit_entries, in_english
from tests.factories import grant, make_user
from tests.fast_passwords import fast_passwords  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture(autouse=True)
def english_messages(app):
    with in_english():
        yield


# Where each kind may sit, as the law describes it (None: at the top).
EXPECTED_PARENTS = {
    K.REGION: {None},
    K.DISTRICT: {K.REGION},
    K.CITY: {None, K.REGION},                         # republican cities stand alone; others in a region
    K.RURAL_DISTRICT: {K.DISTRICT},
    K.TOWN: {K.DISTRICT},                             # town of district significance
    K.SETTLEMENT: {K.DISTRICT, K.RURAL_DISTRICT},
    K.VILLAGE: {K.RURAL_DISTRICT, K.DISTRICT},
    K.ELECTORAL_DISTRICT: {K.CITY},                   # 000 §2, §6
}


def names(n):
    return {"name_kk": f"Аумақ {n}", "name_ru": f"Территория {n}"}


_n = itertools.count(1)


def new(kind, parent, actor=None, **values):
    return create_territory(actor, kind=kind, parent=parent, **{**names(next(_n)), **values})


@pytest.fixture
def tree(app):
    """A region with a district, a rural district with two villages, and a city with an electoral district."""
    region = new(K.REGION, None, slug="region")
    district = new(K.DISTRICT, region, slug="district")
    rural = new(K.RURAL_DISTRICT, district, slug="rural")
    village = new(K.VILLAGE, rural, slug="village")
    village2 = new(K.VILLAGE, rural, slug="village-2")
    rural2 = new(K.RURAL_DISTRICT, district, slug="rural-2")
    city = new(K.CITY, region, slug="city")
    electoral = new(K.ELECTORAL_DISTRICT, city, slug="electoral")
    db.session.commit()
    return {"region": region, "district": district, "rural": rural, "village": village, "village2": village2,
            "rural2": rural2, "city": city, "electoral": electoral}


def roles_of(territory) -> list[RoleAssignment]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(RoleAssignment).where(RoleAssignment.territory_id == territory.id)
                                   .order_by(RoleAssignment.id)))


def text_of(response) -> str:
    return response.get_data(as_text=True)


# --- the tree --------------------------------------------------------------------

def test_allowed_parents(app):
    parents = {None: None}
    for parent_kind in K:
        parent = Territory(kind=parent_kind, slug=f"parent-{parent_kind.value}", name_kk="Ата", name_ru="Родитель")
        db.session.add(parent)
        parents[parent_kind] = parent
    db.session.flush()
    for kind in K:
        for parent_kind, parent in parents.items():
            if parent_kind in EXPECTED_PARENTS[kind]:
                territory = new(kind, parent)
                assert territory.parent is parent and territory.kind == kind
            else:
                with pytest.raises(DomainError) as caught:
                    new(kind, parent)
                assert caught.value.field == "parent", (kind, parent_kind)


def test_tree_navigation(tree):
    village = tree["village"]
    assert [t.slug for t in village.ancestors()] == ["rural", "district", "region"]
    assert village.lineage_ids() == [tree[k].id for k in ("village", "rural", "district", "region")]
    assert tree["region"].ancestors() == []
    assert {c.slug for c in tree["rural"].children} == {"village", "village-2"}
    assert {c.slug for c in tree["region"].children} == {"district", "city"}


def test_slugs_are_unique_and_transliterated(app):
    region = new(K.REGION, None, name_kk="Жетісу облысы")
    assert region.slug == "zhetisu-oblysy"
    again = create_territory(None, kind=K.REGION, parent=None, name_kk="Жетісу облысы", name_ru="x")
    third = create_territory(None, kind=K.REGION, parent=None, name_kk="Жетісу облысы", name_ru="x")
    assert again.slug == "zhetisu-oblysy-2" and third.slug == "zhetisu-oblysy-3"
    assert slugify("Қарабұлақ ауылдық округі") == "qarabulaq-auyldyq-okrugi"
    assert slugify("№ 5 сайлау округі") == "no-5-sailau-okrugi"
    assert slugify("!!!") == "community"


def test_details_are_checked(app):
    region = new(K.REGION, None)
    with pytest.raises(DomainError) as caught:
        new(K.DISTRICT, region, timezone="Mars/Olympus")
    assert caught.value.field == "timezone"
    with pytest.raises(DomainError) as caught:
        new(K.DISTRICT, region, population=-1)
    assert caught.value.field == "population"
    district = new(K.DISTRICT, region, timezone="Asia/Aqtobe", population=0, address="Бас көше, 1")
    assert (district.timezone, district.population, district.address) == ("Asia/Aqtobe", 0, "Бас көше, 1")


def test_creating_a_territory_is_audited(app):
    admin = make_user(admin=True)
    region = new(K.REGION, None, actor=admin)
    db.session.commit()
    [entry] = audit_entries("territory.created")
    assert entry.actor_id == admin.id and entry.object_id == str(region.id)
    assert entry.details_dict["kind"] == "region" and entry.details_dict["parent"] is None


def test_who_may_create_a_territory(tree):
    plain = make_user()
    staff = make_user()
    grant(staff, tree["rural"])
    village_staff = make_user()
    grant(village_staff, tree["village"])
    admin = make_user(admin=True)
    with pytest.raises(NotAllowed):
        new(K.VILLAGE, tree["rural"], actor=plain)
    with pytest.raises(NotAllowed):
        new(K.REGION, None, actor=staff)                     # only the admin adds a top level
    with pytest.raises(NotAllowed):
        new(K.VILLAGE, tree["rural2"], actor=staff)          # a sibling rural district
    with pytest.raises(NotAllowed):
        new(K.VILLAGE, tree["rural"], actor=village_staff)   # staff below may not add above
    assert new(K.VILLAGE, tree["rural"], actor=staff).parent_id == tree["rural"].id
    assert new(K.REGION, None, actor=admin).parent_id is None


def test_update_needs_the_right_to_manage(tree):
    plain = make_user()
    staff = make_user()
    grant(staff, tree["district"])
    with pytest.raises(NotAllowed):
        update_territory(plain, tree["rural"], phone="+7 700 000 00 00")
    update_territory(staff, tree["rural"], phone="+7 700 000 00 00")
    db.session.commit()
    assert tree["rural"].phone == "+7 700 000 00 00"
    [entry] = audit_entries("territory.updated")
    assert entry.details_dict["changed"] == ["phone"]


# --- can_manage ---------------------------------------------------------------------

def test_staff_of_an_ancestor_manage_every_descendant(tree):
    region_staff = make_user()
    grant(region_staff, tree["region"])
    for territory in tree.values():
        assert territory.can_manage(region_staff), territory
    rural_staff = make_user()
    grant(rural_staff, tree["rural"])
    assert tree["rural"].can_manage(rural_staff)
    assert tree["village"].can_manage(rural_staff)
    assert tree["village2"].can_manage(rural_staff)
    for key in ("district", "region", "rural2", "city", "electoral"):
        assert not tree[key].can_manage(rural_staff), key
    city_staff = make_user()
    grant(city_staff, tree["city"])
    assert tree["electoral"].can_manage(city_staff)
    assert not tree["rural"].can_manage(city_staff)


@pytest.mark.parametrize("kind", [RoleKind.MEMBER, RoleKind.CHAIR, RoleKind.SECRETARY, RoleKind.AKIM])
def test_other_roles_do_not_manage(tree, kind):
    person = make_user()
    grant(person, tree["rural"], kind)
    assert person.has_role(tree["village"], kind)  # the role is inherited downwards...
    assert not tree["rural"].can_manage(person)     # ...but it is not a right to manage
    assert not tree["village"].can_manage(person)
    assert not tree["rural"].can_assign_roles(person)
    assert not tree["rural"].can_verify_residents(person)


def test_plain_users_anonymous_and_admins(tree):
    plain = make_user()
    admin = make_user(admin=True)
    for territory in tree.values():
        assert not territory.can_manage(plain)
        assert not territory.can_manage(None)
        assert not territory.can_manage(AnonymousUserMixin())
        assert territory.can_manage(admin)


def test_managed_territories_cover_the_subtree(tree):
    rural_staff = make_user()
    grant(rural_staff, tree["rural"])
    assert {t.slug for t in rural_staff.managed_territories()} == {"rural", "village", "village-2"}
    assert make_user().managed_territories() == []
    assert len(make_user(admin=True).managed_territories()) == len(tree)


# --- the roles page ---------------------------------------------------------------

@pytest.fixture
def people(tree):
    staff = make_user("staff@example.kz", surname="Сейітова", given_name="Гүлнар")
    grant(staff, tree["rural"])
    make_user("person@example.kz", surname="Байжанов", given_name="Бауыржан")
    member = make_user("member@example.kz")
    grant(member, tree["rural"], RoleKind.MEMBER)
    make_user("plain@example.kz")
    make_user("admin@example.kz", admin=True)
    db.session.commit()
    return tree


def test_staff_assign_a_role(client, auth, people):
    rural = people["rural"]
    client.set_cookie("lang", "en")
    auth.login("staff@example.kz")
    page = client.get(f"/manage/c/{rural.slug}/roles")
    assert page.status_code == 200
    for kind in RoleKind:
        assert f'value="{kind.value}"' in text_of(page)
    response = client.post(f"/manage/c/{rural.slug}/roles", data={"email": "person@example.kz", "kind": "chair"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/manage/c/{rural.slug}/roles")
    [role] = [r for r in roles_of(rural) if r.kind == RoleKind.CHAIR]
    person = db.session.scalar(sa.select(User).where(User.email == "person@example.kz"))
    staff = db.session.scalar(sa.select(User).where(User.email == "staff@example.kz"))
    assert role.user_id == person.id and role.granted_by_id == staff.id
    html = text_of(client.get(response.headers["Location"]))
    assert "Role assigned." in html
    assert "Байжанов Бауыржан" in html and "Chair" in html
    [entry] = audit_entries("role.granted")
    assert entry.actor_id == staff.id and entry.object_id == str(role.id)
    assert entry.details_dict == {"user": person.id, "territory": rural.id, "kind": "chair"}


def test_assigning_refuses_duplicates_unknown_people_and_unknown_roles(client, auth, people):
    rural = people["rural"]
    client.set_cookie("lang", "en")
    auth.login("staff@example.kz")
    url = f"/manage/c/{rural.slug}/roles"
    response = client.post(url, data={"email": "member@example.kz", "kind": "member"})
    assert response.status_code == 422
    assert "This person already has this role here." in text_of(response)
    response = client.post(url, data={"email": "nobody@example.kz", "kind": "member"})
    assert response.status_code == 422
    assert "No account uses this e-mail address." in text_of(response)
    response = client.post(url, data={"email": "person@example.kz", "kind": "emperor"})
    assert response.status_code == 422
    response = client.post(url, data={"email": "not an address", "kind": "member"})
    assert response.status_code == 422
    assert len(roles_of(rural)) == 2  # staff and member, as before
    assert audit_entries("role.granted") == []


def test_staff_revoke_a_role(client, auth, people):
    rural = people["rural"]
    [member_role] = [r for r in roles_of(rural) if r.kind == RoleKind.MEMBER]
    client.set_cookie("lang", "en")
    auth.login("staff@example.kz")
    response = client.post(f"/manage/c/{rural.slug}/roles/{member_role.id}/revoke")
    assert response.status_code == 303
    assert "Role removed." in text_of(client.get(response.headers["Location"]))
    assert [r.kind for r in roles_of(rural)] == [RoleKind.STAFF]
    [entry] = audit_entries("role.revoked")
    assert entry.object_id == str(member_role.id)
    assert entry.details_dict["kind"] == "member"


def test_staff_cannot_remove_their_own_staff_role(client, auth, people):
    rural = people["rural"]
    [staff_role] = [r for r in roles_of(rural) if r.kind == RoleKind.STAFF]
    client.set_cookie("lang", "en")
    auth.login("staff@example.kz")
    response = client.post(f"/manage/c/{rural.slug}/roles/{staff_role.id}/revoke")
    assert response.status_code == 303
    assert "You cannot take away your own staff role." in text_of(client.get(response.headers["Location"]))
    assert staff_role.id in [r.id for r in roles_of(rural)]
    assert audit_entries("role.revoked") == []


def test_a_role_of_another_territory_cannot_be_revoked_through_this_one(client, auth, people):
    other_staff = make_user()
    foreign = grant(other_staff, people["rural2"])
    db.session.commit()
    auth.login("staff@example.kz")
    rural = people["rural"]
    assert client.post(f"/manage/c/{rural.slug}/roles/{foreign.id}/revoke").status_code == 404
    assert client.post(f"/manage/c/{rural.slug}/roles/999999/revoke").status_code == 404
    assert len(roles_of(people["rural2"])) == 1


def test_district_staff_manage_roles_below_but_not_above(client, auth, people):
    auth.login("staff@example.kz")
    assert client.get(f"/manage/c/{people['village'].slug}/roles").status_code == 200
    assert client.post(f"/manage/c/{people['village'].slug}/roles",
                       data={"email": "person@example.kz", "kind": "member"}).status_code == 303
    assert client.get(f"/manage/c/{people['district'].slug}/roles").status_code == 403
    assert client.post(f"/manage/c/{people['district'].slug}/roles",
                       data={"email": "staff@example.kz", "kind": "staff"}).status_code == 403
    assert roles_of(people["district"]) == []


def test_the_admin_manages_roles_everywhere(client, auth, people):
    auth.login("admin@example.kz")
    region = people["region"]
    response = client.post(f"/manage/c/{region.slug}/roles", data={"email": "person@example.kz", "kind": "staff"})
    assert response.status_code == 303
    [role] = roles_of(region)
    assert client.post(f"/manage/c/{region.slug}/roles/{role.id}/revoke").status_code == 303
    assert roles_of(region) == []


def test_non_staff_get_403_on_the_roles_pages(client, auth, people):
    rural = people["rural"]
    [member_role] = [r for r in roles_of(rural) if r.kind == RoleKind.MEMBER]
    for email in ("plain@example.kz", "member@example.kz", "person@example.kz"):
        auth.login(email)
        assert client.get(f"/manage/c/{rural.slug}/roles").status_code == 403, email
        assert client.post(f"/manage/c/{rural.slug}/roles",
                           data={"email": email, "kind": "staff"}).status_code == 403, email
        assert client.post(f"/manage/c/{rural.slug}/roles/{member_role.id}/revoke").status_code == 403, email
        auth.logout()
    assert sorted(r.kind.value for r in roles_of(rural)) == ["member", "staff"]
    assert audit_entries("role.granted") == [] and audit_entries("role.revoked") == []


def test_anonymous_visitors_are_sent_to_sign_in(client, people):
    rural = people["rural"]
    for response in (client.get(f"/manage/c/{rural.slug}/roles"),
                     client.post(f"/manage/c/{rural.slug}/roles", data={"email": "x@example.kz", "kind": "staff"}),
                     client.get(f"/c/{rural.slug}/edit")):
        assert response.status_code in (302, 303)
        assert "/account/login" in response.headers["Location"]


def test_role_controls_are_hidden_from_non_staff(client, auth, people):
    rural = people["rural"]
    roles_link = f"/manage/c/{rural.slug}/roles"
    html = text_of(client.get(f"/c/{rural.slug}"))
    assert roles_link not in html
    for email in ("plain@example.kz", "member@example.kz"):
        auth.login(email)
        assert roles_link not in text_of(client.get(f"/c/{rural.slug}"))
        assert roles_link not in text_of(client.get("/account/"))
        assert client.get("/manage").status_code == 403
        auth.logout()
    auth.login("staff@example.kz")
    assert roles_link in text_of(client.get(f"/c/{rural.slug}"))
    assert roles_link in text_of(client.get("/manage"))
    # Staff of the rural district see no staff controls on the district above.
    district_html = text_of(client.get(f"/c/{people['district'].slug}"))
    assert f"/manage/c/{people['district'].slug}/roles" not in district_html


# --- the territory edit page ---------------------------------------------------------

def _details(territory, **changes):
    data = {"name_kk": territory.name_kk, "name_ru": territory.name_ru, "akimat_name_kk": "",
            "akimat_name_ru": "", "address": "", "phone": "", "email": "", "timezone": "Asia/Almaty",
            "population": ""}
    data.update(changes)
    return data


def test_edit_page_is_403_for_non_staff(client, auth, people):
    rural = people["rural"]
    for email in ("plain@example.kz", "member@example.kz"):
        auth.login(email)
        assert client.get(f"/c/{rural.slug}/edit").status_code == 403, email
        assert client.post(f"/c/{rural.slug}/edit", data=_details(rural, phone="+7 000")).status_code == 403
        auth.logout()
    db.session.expire_all()
    assert rural.phone == ""
    assert audit_entries("territory.updated") == []


def test_staff_edit_the_akimat_details(client, auth, people):
    rural = people["rural"]
    client.set_cookie("lang", "en")
    auth.login("staff@example.kz")
    assert client.get(f"/c/{rural.slug}/edit").status_code == 200
    response = client.post(f"/c/{rural.slug}/edit", data=_details(
        rural, akimat_name_kk="Әкім аппараты", akimat_name_ru="Аппарат акима", phone="+7 728 000 00 00",
        population="4200"))
    assert response.status_code == 303
    db.session.expire_all()
    assert (rural.phone, rural.population) == ("+7 728 000 00 00", 4200)
    page = text_of(client.get(f"/c/{rural.slug}"))
    assert "Аппарат акима" in page and "+7 728 000 00 00" in page
    assert audit_entries("territory.updated")[0].details_dict["changed"] == [
        "akimat_name_kk", "akimat_name_ru", "phone", "population"]
    bad = client.post(f"/c/{rural.slug}/edit", data=_details(rural, timezone="Nowhere/Place"))
    assert bad.status_code == 422
    assert "Unknown time zone." in text_of(bad)


def test_new_territory_page(client, auth, people):
    rural = people["rural"]
    auth.login("plain@example.kz")
    assert client.get("/manage/territories/new").status_code == 403
    auth.logout()
    auth.login("staff@example.kz")
    data = {"kind": "village", "parent": rural.id, "name_kk": "Жаңа ауыл", "name_ru": "Новое село",
            "timezone": "Asia/Almaty"}
    response = client.post("/manage/territories/new", data=data)
    assert response.status_code == 303
    created = db.session.scalar(sa.select(Territory).where(Territory.name_kk == "Жаңа ауыл"))
    assert created.parent_id == rural.id
    # A parent the person does not manage is not a choice; a wrong kind under a parent is refused.
    assert client.post("/manage/territories/new", data={**data, "parent": people["district"].id,
                                                        "name_kk": "Басқа"}).status_code == 422
    assert client.post("/manage/territories/new", data={**data, "kind": "region",
                                                        "name_kk": "Облыс"}).status_code == 422
    assert client.post("/manage/territories/new", data={**data, "parent": 0,
                                                        "name_kk": "Үстінде"}).status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Territory).where(
        Territory.name_kk.in_(["Басқа", "Облыс", "Үстінде"]))) == 0


# --- unknown slugs ----------------------------------------------------------------------

def test_unknown_slug_is_404(client, auth, people):
    assert client.get("/c/no-such-place").status_code == 404
    auth.login("admin@example.kz")
    for path in ("/c/no-such-place", "/c/no-such-place/edit", "/manage/c/no-such-place/roles",
                 "/manage/c/no-such-place/residents", "/manage/c/no-such-place/register"):
        assert client.get(path).status_code == 404, path
    assert client.post("/manage/c/no-such-place/roles",
                       data={"email": "person@example.kz", "kind": "staff"}).status_code == 404
    assert client.post("/manage/c/no-such-place/roles/1/revoke").status_code == 404
    assert client.post("/c/no-such-place/edit", data={"name_kk": "x", "name_ru": "y"}).status_code == 404


def test_community_page_shows_the_tree(client, people):
    client.set_cookie("lang", "en")
    html = text_of(client.get(f"/c/{people['rural'].slug}"))
    assert people["district"].name_ru in html and people["region"].name_ru in html  # breadcrumbs
    assert people["village"].name_ru in html and people["village2"].name_ru in html  # parts
    assert "Rural district" in html
