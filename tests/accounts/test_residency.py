"""Verified residency: matching the akimat's register, or verification at the office.

Only verified residents of a community vote and sign there; one verified
account per IIN per community. Register names and addresses are for akimat
staff only.
"""
from __future__ import annotations

import random
from datetime import timedelta

import pytest
import sqlalchemy as sa

from civic.accounts.iin import iin_hmac
from civic.accounts.models import Residency
from civic.accounts.residency import claim_residency, revoke_residency, verify_at_office
from civic.communities.models import RoleKind, TerritoryKind
from civic.core.database import utcnow
from civic.core.errors import DomainError, NotAllowed
from civic.extensions import db
from tests.accounts.register_files import audit_entries, in_english
from tests.factories import grant, invalid_iin, make_resident, make_territory, make_user, on_register, valid_iin
from tests.fast_passwords import fast_passwords  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture(autouse=True)
def english_messages(app):
    with in_english():
        yield


NOT_FOUND = "We could not find this IIN and surname in the community"
TAKEN = "This IIN is already verified for another account in this community"


@pytest.fixture
def rng():
    return random.Random(4242)


@pytest.fixture
def community(app):
    territory = make_territory()
    staff = make_user("staff@example.kz", surname="Сейітова", given_name="Гүлнар")
    grant(staff, territory)
    db.session.commit()
    return territory


def residencies(territory=None) -> list[Residency]:
    db.session.expire_all()
    query = sa.select(Residency).order_by(Residency.id)
    if territory is not None:
        query = query.where(Residency.territory_id == territory.id)
    return list(db.session.scalars(query))


def claim(client, territory, iin, surname):
    return client.post("/account/residency", data={"territory": territory.id, "iin": iin, "surname": surname})


def text_of(response) -> str:
    return response.get_data(as_text=True)


# --- claiming with IIN and surname --------------------------------------------------

def test_a_registered_person_becomes_verified_with_matching_iin_and_surname(client, auth, community, rng):
    iin = valid_iin(rng)
    on_register(community, iin, surname="Оспанова", given_name="Әсел")
    user = make_user("asel@example.kz", surname="Оспанова", given_name="Әсел")
    db.session.commit()
    client.set_cookie("lang", "en")
    auth.login("asel@example.kz")
    response = claim(client, community, iin, "Оспанова")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/account/")
    [residency] = residencies(community)
    assert residency.user_id == user.id
    assert residency.method == "register"
    assert residency.verified_by_id is None
    assert residency.iin_hmac == iin_hmac(iin)
    profile = text_of(client.get("/account/"))
    assert f"You are now a verified resident of {community.name_ru}." in profile
    assert f"Verified resident of {community.name_ru}" in profile
    show = text_of(client.get(f"/c/{community.slug}"))
    assert "You are a verified resident of this community." in show
    [entry] = audit_entries("residency.verified")
    assert entry.actor_id == user.id and entry.details_dict["method"] == "register"


def test_surname_match_ignores_case_and_yo(client, auth, community, rng):
    pairs = [("Оспанова", "оспанова"), ("Оспанова", "ОСПАНОВА"), ("Ёлкина", "Елкина"), ("Ёлкина", "ЕЛКИНА"),
             ("Семенов", "Семёнов"), ("Семенов", "СЕМЁНОВ"), ("Әбдірахманов", "ӘБДІРАХМАНОВ"),
             ("Нұрланова", "  нұрланова  ")]
    for n, (on_file, typed) in enumerate(pairs):
        iin = valid_iin(rng)
        on_register(community, iin, surname=on_file)
        make_user(f"person{n}@example.kz")
        db.session.commit()
        auth.login(f"person{n}@example.kz")
        assert claim(client, community, iin, typed).status_code == 303, (on_file, typed)
        auth.logout()
    assert len(residencies(community)) == len(pairs)


def test_the_iin_may_be_typed_with_spaces(client, auth, community, rng):
    iin = valid_iin(rng, second_pass=True)
    on_register(community, iin, surname="Ахметов")
    make_user("person@example.kz")
    db.session.commit()
    auth.login("person@example.kz")
    assert claim(client, community, f" {iin} ", "Ахметов").status_code == 303
    assert len(residencies(community)) == 1


def test_a_wrong_surname_is_refused(client, auth, community, rng):
    iin = valid_iin(rng)
    on_register(community, iin, surname="Оспанова")
    make_user("person@example.kz")
    db.session.commit()
    client.set_cookie("lang", "en")
    auth.login("person@example.kz")
    for surname in ("Оспанов", "Оспанова-Ким", "Ospanova"):
        response = claim(client, community, iin, surname)
        assert response.status_code == 422
        assert NOT_FOUND in text_of(response)
    assert residencies() == []
    assert audit_entries("residency.verified") == []
    assert "You are a verified resident" not in text_of(client.get(f"/c/{community.slug}"))


def test_an_iin_not_on_the_register_is_refused(client, auth, community, rng):
    on_register(community, valid_iin(rng), surname="Оспанова")
    make_user("person@example.kz")
    db.session.commit()
    client.set_cookie("lang", "en")
    auth.login("person@example.kz")
    response = claim(client, community, valid_iin(rng), "Оспанова")
    assert response.status_code == 422
    assert NOT_FOUND in text_of(response)
    assert residencies() == []


def test_the_register_of_another_community_does_not_count(client, auth, community, rng):
    iin = valid_iin(rng)
    on_register(make_territory(), iin, surname="Оспанова")
    make_user("person@example.kz")
    db.session.commit()
    client.set_cookie("lang", "en")
    auth.login("person@example.kz")
    response = claim(client, community, iin, "Оспанова")
    assert response.status_code == 422
    assert NOT_FOUND in text_of(response)
    assert residencies() == []


def test_an_invalid_iin_is_refused_with_a_field_message(client, auth, community, rng):
    iin = valid_iin(rng)
    on_register(community, iin, surname="Оспанова")
    make_user("person@example.kz")
    db.session.commit()
    client.set_cookie("lang", "en")
    auth.login("person@example.kz")
    response = claim(client, community, iin[:11] + str((int(iin[11]) + 1) % 10), "Оспанова")
    assert response.status_code == 422
    assert "The IIN must have 12 digits with a correct control digit." in text_of(response)
    for raw in ("12345", iin + "1", iin[:11] + "x", "٠" * 12):
        response = claim(client, community, raw, "Оспанова")
        assert response.status_code == 422, raw
        assert "The IIN has exactly 12 digits." in text_of(response) or \
            "correct control digit" in text_of(response)
    assert residencies() == []


def test_a_region_is_not_a_community_to_claim(client, auth, community, rng):
    iin = valid_iin(rng)
    region = community.parent.parent
    assert region.kind == TerritoryKind.REGION
    on_register(region, iin, surname="Оспанова")
    make_user("person@example.kz")
    db.session.commit()
    auth.login("person@example.kz")
    assert claim(client, region, iin, "Оспанова").status_code == 422
    assert residencies() == []


def test_claiming_needs_a_sign_in(client, community, rng):
    iin = valid_iin(rng)
    on_register(community, iin, surname="Оспанова")
    db.session.commit()
    response = claim(client, community, iin, "Оспанова")
    assert response.status_code in (302, 303)
    assert "/account/login" in response.headers["Location"]
    assert residencies() == []


# --- one verified account per IIN per community ------------------------------------

def test_a_second_account_with_the_same_iin_is_refused(client, auth, community, rng):
    iin = valid_iin(rng)
    on_register(community, iin, surname="Оспанова")
    first = make_user("first@example.kz")
    make_user("second@example.kz")
    db.session.commit()
    client.set_cookie("lang", "en")
    auth.login("first@example.kz")
    assert claim(client, community, iin, "Оспанова").status_code == 303
    auth.logout()
    auth.login("second@example.kz")
    response = claim(client, community, iin, "Оспанова")
    assert response.status_code == 422
    assert TAKEN in text_of(response)
    assert [r.user_id for r in residencies(community)] == [first.id]


def test_the_same_account_is_verified_once_per_community(app, community, rng):
    iin, other = valid_iin(rng), valid_iin(rng)
    on_register(community, iin, surname="Оспанова")
    on_register(community, other, surname="Оспанова")
    user = make_user()
    claim_residency(user, community, iin, "Оспанова")
    with pytest.raises(DomainError, match="already a verified resident"):
        claim_residency(user, community, other, "Оспанова")


def test_the_same_iin_may_be_verified_in_two_communities(app, community, rng):
    iin = valid_iin(rng)
    second = make_territory()
    on_register(community, iin, surname="Оспанова")
    on_register(second, iin, surname="Оспанова")
    user = make_user()
    claim_residency(user, community, iin, "Оспанова")
    claim_residency(user, second, iin, "Оспанова")
    db.session.commit()
    assert len(residencies()) == 2


def test_staff_cannot_verify_a_second_account_with_a_taken_iin(client, auth, community, rng):
    iin = valid_iin(rng)
    make_resident(community, make_user("first@example.kz"), iin=iin)
    make_user("second@example.kz")
    db.session.commit()
    client.set_cookie("lang", "en")
    auth.login("staff@example.kz")
    response = client.post(f"/manage/c/{community.slug}/residents",
                           data={"email": "second@example.kz", "iin": iin, "note": ""})
    assert response.status_code == 422
    assert TAKEN in text_of(response)
    assert len(residencies(community)) == 1


def test_the_database_refuses_a_second_residency_for_one_iin(app, community, rng):
    iin = valid_iin(rng)
    make_resident(community, iin=iin)
    db.session.commit()
    with pytest.raises(sa.exc.IntegrityError):
        make_resident(community, iin=iin)
    db.session.rollback()


# --- verification at the office -------------------------------------------------------

def test_staff_verify_a_person_at_the_office(client, auth, community, rng):
    person = make_user("visitor@example.kz", surname="Жұмабаев", given_name="Асқар")
    db.session.commit()
    client.set_cookie("lang", "en")
    auth.login("staff@example.kz")
    before = utcnow() - timedelta(seconds=1)
    iin = valid_iin(rng)
    response = client.post(f"/manage/c/{community.slug}/residents",
                           data={"email": "Visitor@Example.kz", "iin": iin, "note": "identity card 012345"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/manage/c/{community.slug}/residents")
    [residency] = residencies(community)
    staff = db.session.scalar(sa.select(type(person)).where(type(person).email == "staff@example.kz"))
    assert residency.user_id == person.id
    assert residency.method == "office"
    assert residency.verified_by_id == staff.id
    assert before <= residency.verified_at <= utcnow() + timedelta(seconds=1)
    assert residency.note == "identity card 012345"
    assert residency.iin_hmac == iin_hmac(iin)
    page = text_of(client.get(response.headers["Location"]))
    assert "Жұмабаев Асқар is verified as a resident." in page
    assert "at the akimat by Сейітова Гүлнар" in page
    assert "identity card 012345" in page
    [entry] = audit_entries("residency.verified")
    assert entry.actor_id == staff.id
    assert entry.details_dict["method"] == "office" and entry.details_dict["user"] == person.id
    assert iin not in entry.details


def test_office_verification_refuses_an_unknown_email_and_a_bad_iin(client, auth, community, rng):
    make_user("visitor@example.kz")
    db.session.commit()
    client.set_cookie("lang", "en")
    auth.login("staff@example.kz")
    url = f"/manage/c/{community.slug}/residents"
    response = client.post(url, data={"email": "nobody@example.kz", "iin": valid_iin(rng)})
    assert response.status_code == 422
    assert "No account uses this e-mail address." in text_of(response)
    response = client.post(url, data={"email": "visitor@example.kz", "iin": invalid_iin(rng)})
    assert response.status_code == 422
    assert "correct control digit" in text_of(response)
    response = client.post(url, data={"email": "visitor@example.kz", "iin": "12 34"})
    assert response.status_code == 422
    assert "The IIN has exactly 12 digits." in text_of(response)
    assert residencies() == []


def test_staff_of_the_district_above_may_verify_at_the_office(client, auth, community, rng):
    district_staff = make_user("district@example.kz")
    grant(district_staff, community.parent)
    make_user("visitor@example.kz")
    db.session.commit()
    auth.login("district@example.kz")
    response = client.post(f"/manage/c/{community.slug}/residents",
                           data={"email": "visitor@example.kz", "iin": valid_iin(rng)})
    assert response.status_code == 303
    assert residencies(community)[0].verified_by_id == district_staff.id


def test_non_staff_get_403_on_the_staff_pages(client, auth, community, rng):
    member = make_user("member@example.kz")
    grant(member, community, RoleKind.MEMBER)
    secretary = make_user("secretary@example.kz")
    grant(secretary, community, RoleKind.SECRETARY)
    make_resident(community, make_user("resident@example.kz"))
    make_user("plain@example.kz")
    elsewhere = make_user("elsewhere@example.kz")
    grant(elsewhere, make_territory())
    make_user("visitor@example.kz")
    db.session.commit()
    [existing] = residencies(community)
    slug = community.slug
    for email in ("plain@example.kz", "member@example.kz", "secretary@example.kz", "resident@example.kz",
                  "elsewhere@example.kz"):
        auth.login(email)
        assert client.get(f"/manage/c/{slug}/residents").status_code == 403, email
        assert client.get(f"/manage/c/{slug}/register").status_code == 403, email
        assert client.get(f"/manage/c/{slug}/roles").status_code == 403, email
        assert client.post(f"/manage/c/{slug}/residents",
                           data={"email": "visitor@example.kz", "iin": valid_iin(rng)}).status_code == 403, email
        assert client.post(f"/manage/c/{slug}/residents/{existing.id}/revoke",
                           data={"reason": "moved away"}).status_code == 403, email
        auth.logout()
    assert [r.id for r in residencies(community)] == [existing.id]


def test_service_refuses_office_verification_by_non_staff(app, community, rng):
    outsider = make_user()
    with pytest.raises(NotAllowed):
        verify_at_office(outsider, make_user(), community, valid_iin(rng))


def _staff_hrefs(slug):
    return [f"/manage/c/{slug}/register", f"/manage/c/{slug}/residents", f"/manage/c/{slug}/roles",
            f"/c/{slug}/edit"]


def test_non_staff_do_not_see_staff_links_on_the_community_page(client, auth, community):
    member = make_user("member@example.kz")
    grant(member, community, RoleKind.MEMBER)
    make_user("plain@example.kz")
    db.session.commit()
    client.set_cookie("lang", "en")
    html = text_of(client.get(f"/c/{community.slug}"))
    assert all(href not in html for href in _staff_hrefs(community.slug))
    assert "For akimat staff" not in html
    for email in ("plain@example.kz", "member@example.kz"):
        auth.login(email)
        html = text_of(client.get(f"/c/{community.slug}"))
        assert all(href not in html for href in _staff_hrefs(community.slug)), email
        assert "For akimat staff" not in html
        auth.logout()
    auth.login("staff@example.kz")
    html = text_of(client.get(f"/c/{community.slug}"))
    assert all(href in html for href in _staff_hrefs(community.slug))
    assert "For akimat staff" in html


# --- withdrawing a verification --------------------------------------------------------

def test_withdrawing_needs_a_reason(client, auth, community, rng):
    residency = make_resident(community, make_user("resident@example.kz"))
    db.session.commit()
    client.set_cookie("lang", "en")
    auth.login("staff@example.kz")
    url = f"/manage/c/{community.slug}/residents/{residency.id}/revoke"
    for data in ({}, {"reason": ""}, {"reason": "   "}):
        response = client.post(url, data=data)
        assert response.status_code == 303
        assert "Please give a reason." in text_of(client.get(response.headers["Location"]))
        assert len(residencies(community)) == 1
    assert audit_entries("residency.revoked") == []


def test_withdrawing_with_a_reason_removes_it_and_is_audited(client, auth, community, rng):
    iin = valid_iin(rng)
    on_register(community, iin, surname="Оспанова")
    person = make_user("resident@example.kz")
    residency = make_resident(community, person, iin=iin)
    db.session.commit()
    client.set_cookie("lang", "en")
    auth.login("staff@example.kz")
    response = client.post(f"/manage/c/{community.slug}/residents/{residency.id}/revoke",
                           data={"reason": "  moved to Almaty  "})
    assert response.status_code == 303
    assert "The verification is withdrawn." in text_of(client.get(response.headers["Location"]))
    assert residencies(community) == []
    [entry] = audit_entries("residency.revoked")
    assert entry.details_dict["reason"] == "moved to Almaty"
    assert entry.details_dict["user"] == person.id
    # The IIN is free again: the person can be verified anew.
    auth.logout()
    auth.login("resident@example.kz")
    assert claim(client, community, iin, "Оспанова").status_code == 303
    assert len(residencies(community)) == 1


def test_a_residency_of_another_community_cannot_be_withdrawn_through_this_one(client, auth, community):
    other = make_territory()
    foreign = make_resident(other)
    db.session.commit()
    auth.login("staff@example.kz")
    response = client.post(f"/manage/c/{community.slug}/residents/{foreign.id}/revoke", data={"reason": "x"})
    assert response.status_code == 404
    assert client.post(f"/manage/c/{community.slug}/residents/999999/revoke",
                       data={"reason": "x"}).status_code == 404
    assert len(residencies(other)) == 1


def test_service_refuses_a_blank_reason_and_non_staff(app, community):
    residency = make_resident(community)
    staff = db.session.scalar(sa.select(type(residency.user)).where(type(residency.user).email == "staff@example.kz"))
    with pytest.raises(DomainError, match="reason"):
        revoke_residency(staff, residency, "  ")
    with pytest.raises(NotAllowed):
        revoke_residency(make_user(), residency, "moved away")
    db.session.commit()
    assert len(residencies(community)) == 1


# --- privacy: no resident sees another's IIN, name on the register, or address ----------

def test_a_resident_never_sees_register_names_addresses_or_iins(client, auth, community, rng):
    secret_iin = valid_iin(rng)
    on_register(community, secret_iin, surname="Құпияханова", given_name="Жасырынгүл",
                address="Құпия көшесі, 77, пәтер 13")
    own_iin = valid_iin(rng)
    on_register(community, own_iin, surname="Ашықов", given_name="Ерлан", address="Ашық көшесі, 5")
    neighbour = make_user("neighbour@example.kz", surname="Құпияханова", given_name="Жасырынгүл")
    make_resident(community, neighbour, iin=secret_iin)
    make_user("me@example.kz", surname="Ашықов", given_name="Ерлан")
    db.session.commit()
    auth.login("me@example.kz")
    assert claim(client, community, own_iin, "Ашықов").status_code == 303
    hidden = ["Құпияханова", "Жасырынгүл", "Құпия көшесі", "пәтер 13", secret_iin, own_iin, "Ашық көшесі",
              "neighbour@example.kz"]
    for lang in ("kk", "ru", "en"):
        client.set_cookie("lang", lang)
        for path in ("/", f"/c/{community.slug}", f"/c/{community.parent.slug}", "/account/",
                     "/account/residency", "/about"):
            response = client.get(path)
            assert response.status_code == 200, path
            html = text_of(response)
            for value in hidden:
                assert value not in html, (path, value)
    for path in (f"/manage/c/{community.slug}/residents", f"/manage/c/{community.slug}/register",
                 "/manage", "/manage/audit"):
        assert client.get(path).status_code == 403, path
