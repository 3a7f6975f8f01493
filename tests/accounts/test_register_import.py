"""Importing the akimat's register of residents from a CSV file.

All or nothing: a file with any bad row imports none of its rows, and every
bad row is reported with its line number (the header is line 1).
"""
from __future__ import annotations

import hashlib
import random
import re

import pytest
import sqlalchemy as sa

from civic.accounts.iin import iin_hmac
from civic.accounts.models import RegisterEntry, RegisterImport
from civic.accounts.residency import import_register, parse_register
from civic.communities.models import RoleKind
from civic.core.errors import DomainError, NotAllowed
from civic.extensions import db
from tests.accounts.register_files import (ENGLISH, KAZAKH, RUSSIAN, audit_actions, audit_entries, csv_bytes,
                                           in_english, people, upload)
from tests.factories import grant, invalid_iin, make_territory, make_user, valid_iin
from tests.fast_passwords import fast_passwords  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture(autouse=True)
def english_messages(app):
    with in_english():
        yield


FIVE_MB = 5 * 1024 * 1024


@pytest.fixture
def place(app):
    territory = make_territory()
    staff = make_user("staff@example.kz")
    grant(staff, territory)
    db.session.commit()
    return territory, staff


def entries(territory) -> dict[str, RegisterEntry]:
    db.session.expire_all()
    return {e.iin_hmac: e for e in db.session.scalars(
        sa.select(RegisterEntry).where(RegisterEntry.territory_id == territory.id))}


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def assert_nothing_imported():
    db.session.expire_all()
    assert count(RegisterEntry) == 0
    assert count(RegisterImport) == 0
    assert "register.imported" not in audit_actions()


def text_of(response) -> str:
    return response.get_data(as_text=True)


def error_table(html: str) -> list[tuple[int, str]]:
    """The (line, problem) rows of the error table on the register page."""
    return [(int(line), problem) for line, problem in
            re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td></tr>", html)]


# --- the service: encodings, delimiters, headings ------------------------------

def test_utf8_file_with_english_headings_is_imported(place):
    territory, staff = place
    folk = people(4, seed=1)
    data = csv_bytes(folk)
    report = import_register(staff, territory, data, "register.csv")
    db.session.commit()
    assert report.ok and report.errors == []
    assert (report.added, report.updated) == (4, 0)
    stored = entries(territory)
    assert len(stored) == 4
    for person in folk:
        entry = stored[iin_hmac(person["iin"])]
        assert entry.surname == person["surname"]
        assert entry.given_name == person["given_name"]
        assert entry.patronymic == person["patronymic"]
        assert entry.address == person["address"]
        assert entry.import_id == report.imported.id
    batch = db.session.scalars(sa.select(RegisterImport)).one()
    assert (batch.rows_added, batch.rows_updated) == (4, 0)
    assert batch.filename == "register.csv"
    assert batch.imported_by_id == staff.id
    assert batch.sha256 == hashlib.sha256(data).hexdigest()


def test_utf8_with_byte_order_mark_is_imported(place):
    territory, staff = place
    folk = people(3, seed=2)
    report = import_register(staff, territory, csv_bytes(folk, bom=True))
    assert report.ok and report.added == 3
    assert {e.surname for e in entries(territory).values()} == {p["surname"] for p in folk}


def test_windows_1251_with_russian_headings_and_semicolons_is_imported(place):
    territory, staff = place
    rng = random.Random(3)
    rows = [(valid_iin(rng), "Ёлкина", "Наталья", "Петровна", "ул. Абая, 5"),
            (valid_iin(rng), "Иванов", "Сергей", "", "ул. Мира, 10"),
            (valid_iin(rng), "Щербаков", "Юрий", "Эдуардович", "пер. Школьный, 1")]
    data = csv_bytes(rows, header=RUSSIAN, delimiter=";", encoding="cp1251", newline="\r\n")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # it really is not UTF-8
    report = import_register(staff, territory, data, "реестр.csv")
    assert report.ok, report.errors
    assert report.added == 3
    stored = entries(territory)
    first = stored[iin_hmac(rows[0][0])]
    assert (first.surname, first.given_name, first.patronymic, first.address) == rows[0][1:]
    assert stored[iin_hmac(rows[2][0])].patronymic == "Эдуардович"


def test_windows_1251_with_kazakh_headings_is_imported(place):
    # Windows-1251 has і, so the required Kazakh headings can be written in it.
    territory, staff = place
    rng = random.Random(4)
    rows = [(valid_iin(rng), "Серiков", "Ержан"), (valid_iin(rng), "Ермеков", "Данияр")]
    data = csv_bytes(rows, header=("ЖСН", "Тегі", "Аты"), delimiter=";", encoding="cp1251")
    report = import_register(staff, territory, data)
    assert report.ok, report.errors
    assert report.added == 2


def test_headings_in_each_language_with_each_delimiter(place):
    _, staff = place
    folk = people(3, seed=5)
    for header in (ENGLISH, KAZAKH, RUSSIAN):
        for delimiter in (",", ";"):
            territory = make_territory()
            grant(staff, territory)
            report = import_register(staff, territory, csv_bytes(folk, header=header, delimiter=delimiter))
            assert report.ok, (header, delimiter, report.errors)
            assert report.added == 3
            entry = entries(territory)[iin_hmac(folk[1]["iin"])]
            assert (entry.surname, entry.given_name, entry.patronymic, entry.address) == (
                folk[1]["surname"], folk[1]["given_name"], folk[1]["patronymic"], folk[1]["address"])


def test_headings_ignore_case_and_padding_and_may_come_in_any_order(place):
    territory, staff = place
    rng = random.Random(6)
    iin = valid_iin(rng)
    data = f" address ; SURNAME;Name ; iin\n1 Main street;Сейітов;Самат;{iin}\n".encode()
    report = import_register(staff, territory, data)
    assert report.ok, report.errors
    entry = entries(territory)[iin_hmac(iin)]
    assert (entry.surname, entry.given_name, entry.address, entry.patronymic) == (
        "Сейітов", "Самат", "1 Main street", "")


def test_extra_columns_are_ignored(place):
    territory, staff = place
    iin = valid_iin(random.Random(34))
    data = f"№;ИИН;Фамилия;Имя;Телефон\n1;{iin};Иванов;Сергей;+7 700 000 00 00\n".encode()
    report = import_register(staff, territory, data)
    assert report.ok, report.errors
    entry = entries(territory)[iin_hmac(iin)]
    assert (entry.surname, entry.given_name, entry.address) == ("Иванов", "Сергей", "")


def test_patronymic_and_address_may_be_left_out(place):
    territory, staff = place
    folk = people(2, seed=7)
    report = import_register(staff, territory, csv_bytes(folk, header=ENGLISH[:3]))
    assert report.ok and report.added == 2
    assert all(e.address == "" and e.patronymic == "" for e in entries(territory).values())


def test_quoted_values_with_commas_and_windows_line_endings(place):
    territory, staff = place
    rng = random.Random(8)
    iin = valid_iin(rng)
    data = f'IIN,Surname,Name,Address\r\n{iin},Оспанова,Әсел,"Абай көшесі, 12, пәтер 3"\r\n'.encode()
    report = import_register(staff, territory, data)
    assert report.ok, report.errors
    assert entries(territory)[iin_hmac(iin)].address == "Абай көшесі, 12, пәтер 3"


# --- wrong files: a clear error, nothing imported -------------------------------

def test_wrong_columns_are_refused_with_a_clear_error(place):
    territory, staff = place
    rows = [(valid_iin(random.Random(9)), "Тестов", "Ерлан")]
    for header in [("IIN", "Name", "Address"),        # no surname
                   ("Surname", "Name", "Address"),    # no IIN
                   ("Номер", "Фамилия", "Имя"),       # IIN under an unknown heading
                   ("a", "b", "c")]:
        with pytest.raises(DomainError) as caught:
            import_register(staff, territory, csv_bytes(rows, header=header))
        assert "Wrong columns" in str(caught.value), header
    db.session.rollback()
    assert_nothing_imported()


def test_a_file_without_a_header_line_is_refused(place):
    territory, staff = place
    folk = people(3, seed=10)
    data = "\n".join(f"{p['iin']},{p['surname']},{p['given_name']}" for p in folk).encode()
    with pytest.raises(DomainError, match="Wrong columns"):
        import_register(staff, territory, data)
    db.session.rollback()
    assert_nothing_imported()


def test_a_column_named_twice_is_refused(place):
    territory, staff = place
    data = f"IIN,Surname,Фамилия,Name\n{valid_iin()},A,B,C\n".encode()
    with pytest.raises(DomainError, match="appears twice"):
        import_register(staff, territory, data)


def test_empty_files_are_refused(place):
    territory, staff = place
    for data, message in [(b"", "empty"), (b"   \n\n", "empty"), (b"IIN,Surname,Name\n", "no residents"),
                          (b"IIN,Surname,Name\n,,\n  ,  , \r\n", "no residents")]:
        with pytest.raises(DomainError, match=message):
            import_register(staff, territory, data)


def test_binary_garbage_is_refused_with_a_clear_error(place):
    territory, staff = place
    for data, message in [
        (bytes(range(256)) * 4, "not a text CSV file"),                                   # NULs included
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(64), "not a text CSV file"),  # .xlsx (zip)
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text CSV file"),                # an image
        (b"\x98\x98\x98\xff\xfe\x98", "neither UTF-8 nor Windows-1251"),              # undecodable, no NUL
    ]:
        with pytest.raises(DomainError) as caught:
            import_register(staff, territory, data)
        assert message in str(caught.value)
    db.session.rollback()
    assert_nothing_imported()


def test_random_binary_noise_is_refused(place):
    territory, staff = place
    rng = random.Random(11)
    for _ in range(20):
        data = bytes(rng.randrange(256) for _ in range(2000))
        with pytest.raises(DomainError):
            import_register(staff, territory, data)
    db.session.rollback()
    assert_nothing_imported()


# --- bad rows: every one reported by line, none of the good rows imported --------

def test_every_bad_row_is_reported_with_its_line_number_and_nothing_is_imported(place):
    territory, staff = place
    rng = random.Random(12)
    good = [valid_iin(rng) for _ in range(4)]
    lines = [
        "IIN,Surname,Name,Patronymic,Address",        # 1
        f"{good[0]},Сейітов,Самат,,Абай 1",            # 2 good
        f"{invalid_iin(rng)},Оспанова,Әсел,,Абай 2",   # 3 wrong control digit
        f"{good[1]},Жұмабаев,Ерлан,,Абай 3",           # 4 good
        f"{good[2]},,Нұрлан,,Абай 4",                  # 5 no surname
        f"{good[3]},Қасымов,,,Абай 5",                 # 6 no name
        f"{valid_iin(rng)},Ахметов,Арман,,Абай 6,extra",  # 7 more values than columns
        f"{valid_iin(rng)},{'Ы' * 101},Арман,,",        # 8 surname too long
        f"{valid_iin(rng)},Ахметов,Арман,,{'x' * 301}",  # 9 address too long
        f"{valid_iin(rng)[:11]},Ахметов,Арман,,",       # 10 eleven digits
        "12345678901a,Ахметов,Арман,,",               # 11 a letter
        f"{valid_iin(rng)},Мұратов,Талғат,,Абай 7",    # 12 good
    ]
    report = import_register(staff, territory, ("\n".join(lines) + "\n").encode())
    assert not report.ok
    assert [e.line for e in report.errors] == [3, 5, 6, 7, 8, 9, 10, 11]
    messages = {e.line: str(e.message) for e in report.errors}
    assert "IIN is not valid" in messages[3]
    assert "Surname and name are required" in messages[5]
    assert "Surname and name are required" in messages[6]
    assert "More values than columns" in messages[7]
    assert "too long" in messages[8] and "too long" in messages[9]
    assert "IIN is not valid" in messages[10] and "IIN is not valid" in messages[11]
    assert report.added == 0 and report.imported is None
    db.session.commit()
    assert_nothing_imported()


def test_line_numbers_count_blank_lines_and_multi_line_quoted_values(place):
    territory, staff = place
    rng = random.Random(13)
    data = (
        "IIN,Surname,Name,Address\r\n"                            # 1
        "\r\n"                                                    # 2 blank: skipped, still counted
        f'{valid_iin(rng)},Сейітов,Самат,"Абай көшесі,\r\n12"\r\n'  # 3-4 one record on two lines
        f"{invalid_iin(rng)},Оспанова,Әсел,\r\n"                  # 5 bad
        ",,,\r\n"                                                 # 6 empty record: skipped
        f"{valid_iin(rng)},,Ерлан,\r\n"                           # 7 bad
    ).encode()
    report = import_register(staff, territory, data)
    assert [e.line for e in report.errors] == [5, 7]


def test_an_unclosed_quote_is_reported_not_crashed(place):
    territory, staff = place
    rng = random.Random(14)
    data = f'IIN,Surname,Name\n{valid_iin(rng)},Сейітов,Самат\n{valid_iin(rng)},"Оспанова,Әсел\n'.encode()
    report = import_register(staff, territory, data)
    assert not report.ok
    assert [e.line for e in report.errors] == [3]
    db.session.commit()
    assert_nothing_imported()


def test_a_duplicate_iin_names_the_earlier_line(place):
    territory, staff = place
    rng = random.Random(15)
    twice = valid_iin(rng)
    lines = ["IIN;Surname;Name", f"{valid_iin(rng)};Сейітов;Самат", f"{twice};Оспанова;Әсел",
             f"{valid_iin(rng)};Жұмабаев;Ерлан", f" {twice[:6]} {twice[6:]} ;Оспанова;Әсел"]
    report = import_register(staff, territory, ("\n".join(lines) + "\n").encode())
    assert [e.line for e in report.errors] == [5]
    assert "already on line 3" in str(report.errors[0].message)
    db.session.commit()
    assert_nothing_imported()


def test_parse_register_reports_every_duplicate_against_the_first_occurrence():
    rng = random.Random(16)
    iin = valid_iin(rng)
    data = f"IIN,Surname,Name\n{iin},A,B\n{iin},A,B\n{iin},A,B\n".encode()
    rows, errors = parse_register(data)
    assert len(rows) == 1
    assert [(e.line, str(e.message)) for e in errors] == [
        (3, "The same IIN is already on line 2."), (4, "The same IIN is already on line 2.")]


# --- re-import --------------------------------------------------------------

def test_reimport_updates_existing_rows_and_adds_new_ones(place):
    territory, staff = place
    folk = people(3, seed=17)
    first = import_register(staff, territory, csv_bytes(folk), "first.csv")
    db.session.commit()
    assert (first.added, first.updated) == (3, 0)
    before = entries(territory)[iin_hmac(folk[0]["iin"])]
    first_updated_at = before.updated_at

    changed = dict(folk[0], surname="Жаңатегі", address="Достық көшесі, 40")
    newcomer = people(4, seed=18)[3]
    second = import_register(staff, territory, csv_bytes([changed, folk[1], newcomer]), "second.csv")
    db.session.commit()
    assert second.ok
    assert (second.added, second.updated) == (1, 2)

    stored = entries(territory)
    assert len(stored) == 4  # rows missing from the new file stay on the register
    entry = stored[iin_hmac(folk[0]["iin"])]
    assert entry.id == before.id
    assert entry.surname == "Жаңатегі" and entry.address == "Достық көшесі, 40"
    assert entry.import_id == second.imported.id
    assert entry.updated_at > first_updated_at
    assert stored[iin_hmac(folk[2]["iin"])].import_id == first.imported.id
    batches = db.session.scalars(sa.select(RegisterImport).order_by(RegisterImport.id)).all()
    assert [(b.filename, b.rows_added, b.rows_updated) for b in batches] == [
        ("first.csv", 3, 0), ("second.csv", 1, 2)]


def test_the_same_person_on_two_registers_is_two_entries(place):
    territory, staff = place
    other = make_territory()
    grant(staff, other)
    folk = people(2, seed=19)
    assert import_register(staff, territory, csv_bytes(folk)).added == 2
    assert import_register(staff, other, csv_bytes(folk)).added == 2
    db.session.commit()
    assert len(entries(territory)) == 2 and len(entries(other)) == 2


# --- permissions and audit (service) ---------------------------------------------

def test_only_staff_may_import(place):
    territory, _ = place
    folk = people(1, seed=20)
    outsider = make_user()
    member = make_user()
    grant(member, territory, RoleKind.MEMBER)
    for actor in (outsider, member):
        with pytest.raises(NotAllowed):
            import_register(actor, territory, csv_bytes(folk))
    db.session.rollback()
    assert_nothing_imported()


def test_an_import_is_recorded_in_the_audit_log(place):
    territory, staff = place
    folk = people(3, seed=21)
    report = import_register(staff, territory, csv_bytes(folk))
    db.session.commit()
    [entry] = audit_entries("register.imported")
    assert entry.actor_id == staff.id
    assert entry.object_type == "register_import" and entry.object_id == str(report.imported.id)
    details = entry.details_dict
    assert details["added"] == 3 and details["updated"] == 0
    assert details["territory"] == territory.id
    assert details["sha256"] == report.imported.sha256
    for person in folk:  # the log keeps counts, not people
        assert person["iin"] not in entry.details and person["surname"] not in entry.details


# --- the staff page -------------------------------------------------------------

def test_staff_import_through_the_page(client, auth, place):
    territory, staff = place
    client.set_cookie("lang", "en")
    auth.login(staff.email)
    page = client.get(f"/manage/c/{territory.slug}/register")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in text_of(page)

    folk = people(5, seed=22)
    response = upload(client, territory.slug, csv_bytes(folk, header=KAZAKH, delimiter=";"), "тізім.csv")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/manage/c/{territory.slug}/register")
    assert len(entries(territory)) == 5
    follow = client.get(response.headers["Location"])
    html = text_of(follow)
    assert "Register imported: 5 added, 0 updated." in html
    assert "The register holds 5 residents." in html
    assert "тізім.csv" in html
    assert "register.imported" in audit_actions()


@pytest.mark.parametrize("encoding,bom,header,delimiter", [
    ("utf-8", False, ENGLISH, ","),
    ("utf-8", True, KAZAKH, ";"),
    ("cp1251", False, RUSSIAN, ";"),
], ids=["utf8", "utf8-bom", "cp1251"])
def test_page_accepts_each_supported_encoding(client, auth, place, encoding, bom, header, delimiter):
    territory, staff = place
    auth.login(staff.email)
    rng = random.Random(23)
    rows = [(valid_iin(rng), "Иванов", "Сергей", "Петрович", "ул. Мира, 1"),
            (valid_iin(rng), "Ёлкина", "Анна", "", "ул. Мира, 2")]
    response = upload(client, territory.slug, csv_bytes(rows, header=header, delimiter=delimiter,
                                                        encoding=encoding, bom=bom))
    assert response.status_code == 303
    stored = entries(territory)
    assert stored[iin_hmac(rows[1][0])].surname == "Ёлкина"
    assert stored[iin_hmac(rows[0][0])].address == "ул. Мира, 1"


def test_page_reimport_reports_updates(client, auth, place):
    territory, staff = place
    client.set_cookie("lang", "en")
    auth.login(staff.email)
    folk = people(3, seed=24)
    assert upload(client, territory.slug, csv_bytes(folk)).status_code == 303
    response = upload(client, territory.slug, csv_bytes(folk + people(4, seed=25)[3:]))
    assert response.status_code == 303
    html = text_of(client.get(response.headers["Location"]))
    assert "Register imported: 1 added, 3 updated." in html
    assert len(entries(territory)) == 4


def test_page_shows_a_clear_error_for_wrong_columns(client, auth, place):
    territory, staff = place
    client.set_cookie("lang", "en")
    auth.login(staff.email)
    data = csv_bytes([(valid_iin(), "Тестов", "Ерлан")], header=("Number", "Family", "Given"))
    response = upload(client, territory.slug, data)
    assert response.status_code == 422
    html = text_of(response)
    assert "Wrong columns. The first line must name the columns" in html
    assert 'role="alert"' in html
    assert_nothing_imported()


def test_page_lists_every_bad_line_and_imports_nothing(client, auth, place):
    territory, staff = place
    client.set_cookie("lang", "en")
    auth.login(staff.email)
    rng = random.Random(26)
    twice = valid_iin(rng)
    lines = ["IIN,Surname,Name",                     # 1
             f"{twice},Сейітов,Самат",                # 2
             f"{invalid_iin(rng)},Оспанова,Әсел",     # 3 bad
             f"{valid_iin(rng)},Жұмабаев,Ерлан",      # 4
             f"{twice},Сейітов,Самат",                # 5 duplicate of 2
             f"{valid_iin(rng)},,Ерлан"]              # 6 bad
    response = upload(client, territory.slug, ("\n".join(lines) + "\n").encode())
    assert response.status_code == 422
    html = text_of(response)
    assert "Nothing was imported: the file has errors." in html
    table = error_table(html)
    assert [line for line, _ in table] == [3, 5, 6]
    assert "IIN is not valid" in table[0][1]
    assert "The same IIN is already on line 2." in table[1][1]
    assert "Surname and name are required." in table[2][1]
    assert "The register holds 0 residents." in html
    assert_nothing_imported()


def test_page_refuses_binary_garbage(client, auth, place):
    territory, staff = place
    client.set_cookie("lang", "en")
    auth.login(staff.email)
    response = upload(client, territory.slug, b"PK\x03\x04" + bytes(range(256)) * 8, "register.xlsx")
    assert response.status_code == 422
    assert "The file is not a text CSV file." in text_of(response)
    response = upload(client, territory.slug, b"\x98\xff\x98\xfe" * 50)
    assert response.status_code == 422
    assert "neither UTF-8 nor Windows-1251" in text_of(response)
    assert_nothing_imported()


def test_page_refuses_a_file_over_5_mb(client, auth, place):
    territory, staff = place
    client.set_cookie("lang", "en")
    auth.login(staff.email)
    folk = people(2, seed=27)
    data = csv_bytes(folk)
    data += b"," * (FIVE_MB + 1 - len(data))  # valid-looking, but one byte too many
    assert len(data) == FIVE_MB + 1
    response = upload(client, territory.slug, data)
    assert response.status_code == 413
    assert "The file is larger than 5 MB." in text_of(response)
    assert_nothing_imported()


def test_page_accepts_a_file_of_exactly_5_mb(client, auth, place):
    territory, staff = place
    auth.login(staff.email)
    folk = people(2, seed=28)
    data = csv_bytes(folk)
    blank = b" " * 99_999 + b"\n"  # lines of spaces are skipped
    data += blank * ((FIVE_MB - len(data)) // len(blank))
    data += b"\n" * (FIVE_MB - len(data))
    assert len(data) == FIVE_MB
    response = upload(client, territory.slug, data)
    assert response.status_code == 303
    assert len(entries(territory)) == 2


def test_page_refuses_a_request_over_the_site_limit(client, auth, place, app):
    territory, staff = place
    auth.login(staff.email)
    data = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = upload(client, territory.slug, data)
    assert response.status_code == 413
    assert_nothing_imported()


def test_page_asks_for_a_file(client, auth, place):
    territory, staff = place
    client.set_cookie("lang", "en")
    auth.login(staff.email)
    response = client.post(f"/manage/c/{territory.slug}/register", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose a file." in text_of(response)


def test_page_is_forbidden_to_non_staff(client, auth, place):
    territory, _ = place
    member = make_user("member@example.kz")
    grant(member, territory, RoleKind.MEMBER)
    chair = make_user("chair@example.kz")
    grant(chair, territory, RoleKind.CHAIR)
    make_user("plain@example.kz")
    other_staff = make_user("other-staff@example.kz")
    grant(other_staff, make_territory())
    db.session.commit()
    data = csv_bytes(people(2, seed=29))
    for email in ("plain@example.kz", "member@example.kz", "chair@example.kz", "other-staff@example.kz"):
        auth.login(email)
        assert client.get(f"/manage/c/{territory.slug}/register").status_code == 403, email
        assert upload(client, territory.slug, data).status_code == 403, email
        auth.logout()
    assert_nothing_imported()


def test_page_sends_anonymous_visitors_to_sign_in(client, place):
    territory, _ = place
    response = upload(client, territory.slug, csv_bytes(people(1, seed=30)))
    assert response.status_code in (302, 303)
    assert "/account/login" in response.headers["Location"]
    assert_nothing_imported()


def test_staff_of_the_district_and_the_admin_may_import_for_a_rural_district(client, auth, place):
    territory, _ = place
    district_staff = make_user("district@example.kz")
    grant(district_staff, territory.parent)
    make_user("admin@example.kz", admin=True)
    db.session.commit()
    auth.login("district@example.kz")
    assert upload(client, territory.slug, csv_bytes(people(2, seed=31))).status_code == 303
    auth.logout()
    auth.login("admin@example.kz")
    assert upload(client, territory.slug, csv_bytes(people(3, seed=32)[2:])).status_code == 303
    assert len(entries(territory)) == 3


def test_page_for_an_unknown_community_is_404(client, auth, place):
    _, staff = place
    auth.login(staff.email)
    assert client.get("/manage/c/no-such-place/register").status_code == 404
    assert upload(client, "no-such-place", csv_bytes(people(1, seed=33))).status_code == 404
