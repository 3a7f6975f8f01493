"""The IIN (ЖСН / ИИН) rule and how the IIN is kept.

Rule: 12 digits; the 12th is a control digit: weights 1..11 over the first 11
digits, sum mod 11; when that gives 10, a second pass with weights
3,4,5,6,7,8,9,10,11,1,2; when that also gives 10 the number is invalid.
The birth-date digits are not checked. The IIN itself is never stored.
"""
from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from civic.accounts.iin import control_digit, iin_hmac, is_valid_iin, normalize_iin
from civic.accounts.models import RegisterEntry, Residency
from civic.accounts.residency import claim_residency, import_register, verify_at_office
from civic.extensions import db
from tests.factories import grant, invalid_iin, make_territory, make_user, valid_iin

FIRST = range(1, 12)
SECOND = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def reference_control(first11: str):
    """An independent statement of the rule, to check the code against."""
    digits = [int(c) for c in first11]
    check = sum(w * d for w, d in zip(FIRST, digits)) % 11
    if check == 10:
        check = sum(w * d for w, d in zip(SECOND, digits)) % 11
    return None if check == 10 else check


def first_pass(first11: str) -> int:
    return sum(w * int(d) for w, d in zip(FIRST, first11)) % 11


def with_control(first11: str) -> str:
    digit = reference_control(first11)
    assert digit is not None
    return first11 + str(digit)


def both_passes_ten(rng: random.Random) -> str:
    while True:
        first = "".join(str(rng.randrange(10)) for _ in range(11))
        if first_pass(first) == 10 and reference_control(first) is None:
            return first


# --- valid numbers -----------------------------------------------------------

def test_valid_iins_from_the_first_pass_are_accepted():
    rng = random.Random(1)
    for _ in range(300):
        iin = valid_iin(rng, second_pass=False)
        assert first_pass(iin[:11]) != 10
        assert is_valid_iin(iin), iin


def test_valid_iins_whose_control_digit_comes_from_the_second_pass_are_accepted():
    rng = random.Random(2)
    for _ in range(100):
        iin = valid_iin(rng, second_pass=True)
        assert first_pass(iin[:11]) == 10
        assert is_valid_iin(iin), iin


def test_control_digit_matches_an_independent_statement_of_the_rule():
    rng = random.Random(3)
    for _ in range(2000):
        first = "".join(str(rng.randrange(10)) for _ in range(11))
        assert control_digit(first) == reference_control(first), first


def test_known_worked_example_by_hand():
    # 11 digits 12345678901: sum 1*1+2*2+...+10*0+11*1 = 1+4+9+16+25+36+49+64+81+0+11 = 296; 296 % 11 = 10
    # second pass: 3*1+4*2+5*3+6*4+7*5+8*6+9*7+10*8+11*9+1*0+2*1 = 377; 377 % 11 = 3
    assert first_pass("12345678901") == 10
    assert control_digit("12345678901") == 3
    assert is_valid_iin("123456789013")
    # 00000000001: first pass 11*1 = 11, 11 % 11 = 0
    assert is_valid_iin("000000000010")
    assert not is_valid_iin("000000000011")


def test_surrounding_and_inner_whitespace_is_ignored():
    iin = valid_iin(random.Random(4))
    assert is_valid_iin(f"  {iin}\n")
    assert is_valid_iin(f"{iin[:6]} {iin[6:]}")
    assert normalize_iin(f" {iin[:6]}\t{iin[6:]} ") == iin


# --- invalid numbers ---------------------------------------------------------

def test_every_wrong_control_digit_is_rejected():
    rng = random.Random(5)
    for _ in range(50):
        iin = valid_iin(rng)
        for d in "0123456789":
            candidate = iin[:11] + d
            assert is_valid_iin(candidate) is (d == iin[11]), candidate


def test_invalid_iin_factory_gives_a_rejected_number():
    rng = random.Random(6)
    for _ in range(50):
        assert not is_valid_iin(invalid_iin(rng))


@pytest.mark.parametrize("length", [0, 1, 10, 11, 13, 14, 24])
def test_wrong_length_is_rejected(length):
    rng = random.Random(length)
    iin = valid_iin(rng)
    raw = (iin * 3)[:length]
    assert not is_valid_iin(raw)


def test_eleven_and_thirteen_digits_built_from_a_valid_number_are_rejected():
    rng = random.Random(7)
    for _ in range(30):
        iin = valid_iin(rng)
        assert not is_valid_iin(iin[:11])
        assert not is_valid_iin(iin + "0")
        assert not is_valid_iin("0" + iin)


@pytest.mark.parametrize("raw", ["12345678901a", "A23456789013", "1234-5678901", "123456789O13",
                                 "+23456789013", "12345678901.", "", "            ", None])
def test_letters_signs_and_empty_values_are_rejected(raw):
    assert not is_valid_iin(raw)


def test_non_ascii_digits_are_rejected():
    iin = valid_iin(random.Random(8))
    arabic_indic = iin.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    extended = iin.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    fullwidth = iin.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    devanagari = iin.translate(str.maketrans("0123456789", "०१२३४५६७८९"))
    for raw in (arabic_indic, extended, fullwidth, devanagari):
        assert raw.isdigit() and len(raw) == 12  # Python would call these digits...
        assert not is_valid_iin(raw)              # ...the rule does not.
    # One foreign digit is enough to refuse.
    assert not is_valid_iin(iin[:5] + "٣" + iin[6:])


def test_a_number_whose_both_passes_give_ten_is_invalid_whatever_its_last_digit():
    rng = random.Random(9)
    for _ in range(20):
        first = both_passes_ten(rng)
        assert control_digit(first) is None
        for d in "0123456789":
            assert not is_valid_iin(first + d), first + d


def test_impossible_birth_dates_are_not_rejected():
    # YYMMDD at the start: month 13, month 00, day 32, 30 February, century digit 0.
    for prefix in ("991345", "990015", "850132", "000230", "123456"):
        for tail in ("01234", "98765", "55555", "00000"):
            first = prefix + tail
            if reference_control(first) is None:
                continue
            assert is_valid_iin(with_control(first)), first


# --- the keyed fingerprint ---------------------------------------------------

def test_hmac_is_deterministic_per_key_and_differs_by_key():
    iin = valid_iin(random.Random(10))
    a1 = iin_hmac(iin, key="key-one")
    a2 = iin_hmac(iin, key="key-one")
    b = iin_hmac(iin, key="key-two")
    assert a1 == a2
    assert a1 != b
    assert len(a1) == 64 and all(c in "0123456789abcdef" for c in a1)
    assert iin not in a1


def test_hmac_uses_the_configured_key_and_normalises_whitespace(app):
    iin = valid_iin(random.Random(11))
    assert iin_hmac(iin) == iin_hmac(iin, key=app.config["IIN_HMAC_KEY"])
    assert iin_hmac(f" {iin[:4]} {iin[4:]} ") == iin_hmac(iin)
    other = valid_iin(random.Random(12))
    assert iin_hmac(other) != iin_hmac(iin)


def test_hmac_changes_with_the_app_key(make_app):
    iin = valid_iin(random.Random(13))
    first = make_app(IIN_HMAC_KEY="first-key-0123456789abcdef0123456789")
    second = make_app(IIN_HMAC_KEY="second-key-0123456789abcdef012345678")
    with first.app_context():
        h1 = iin_hmac(iin)
    with second.app_context():
        h2 = iin_hmac(iin)
    assert h1 != h2


# --- never stored in clear -----------------------------------------------------

def _all_stored_text() -> str:
    """Every value of every column of every table, as one string."""
    db.session.expire_all()
    parts = []
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for row in conn.execute(sa.select(table)):
                parts.extend(str(v) for v in row)
    return "\n".join(parts)


def test_the_iin_is_never_stored_in_clear_after_import_claim_and_office_verification(app):
    rng = random.Random(14)
    territory = make_territory()
    staff = make_user("staff@example.kz")
    grant(staff, territory)
    iins = [valid_iin(rng) for _ in range(5)] + [valid_iin(rng, second_pass=True)]
    lines = ["IIN,Surname,Name,Patronymic,Address"]
    lines += [f"{iin},Тестов,Ерлан,Нұрланұлы,Абай көшесі {n}" for n, iin in enumerate(iins, start=1)]
    report = import_register(staff, territory, "\n".join(lines).encode(), "register.csv")
    assert report.ok and report.added == len(iins)
    claimant = make_user("claimant@example.kz")
    claim_residency(claimant, territory, iins[0], "тестов")
    visitor = make_user("visitor@example.kz")
    office_iin = valid_iin(rng)
    verify_at_office(staff, visitor, territory, office_iin, note="identity card shown")
    db.session.commit()

    entries = db.session.scalars(sa.select(RegisterEntry)).all()
    assert {e.iin_hmac for e in entries} == {iin_hmac(i) for i in iins}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Residency)) == 2

    stored = _all_stored_text()
    for iin in iins + [office_iin]:
        assert iin not in stored, "an IIN is stored in clear"
        assert iin_hmac(iin) in stored  # only its keyed fingerprint is


def test_register_and_residency_columns_hold_only_the_fingerprint(app):
    rng = random.Random(15)
    territory = make_territory()
    staff = make_user()
    grant(staff, territory)
    iins = [valid_iin(rng) for _ in range(3)]
    data = ("ЖСН;Тегі;Аты\n" + "\n".join(f"{i};Сейітов;Самат" for i in iins)).encode()
    assert import_register(staff, territory, data).ok
    claim_residency(make_user(), territory, iins[1], "СЕЙІТОВ")
    db.session.commit()
    with db.engine.connect() as conn:
        for table in ("register_entry", "residency", "register_import"):
            for row in conn.execute(sa.text(f"SELECT * FROM {table}")):
                for value in row:
                    for iin in iins:
                        assert iin not in str(value), (table, value)
