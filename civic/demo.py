"""Demo data: a believable rural district and a city district, built from scratch.

Everything here is synthetic: names are composed from common Kazakh name parts,
IINs are random digits with a correct control digit (they encode nothing).
"""
from __future__ import annotations

import random

import sqlalchemy as sa

from civic.accounts.iin import control_digit, iin_hmac
from civic.accounts.models import RegisterEntry, RegisterImport, Residency, RoleAssignment, User
from civic.accounts.passwords import hash_password
from civic.communities.models import RoleKind, Territory, TerritoryKind
from civic.communities.services import create_territory
from civic.core import audit
from civic.core.database import utcnow
from civic.extensions import db

DEMO_PASSWORD = "Ortaq demo koktem 2026"

SURNAMES = ["Әбдірахманов", "Байжанов", "Жұмабаев", "Қасымов", "Нұрланов", "Оспанов", "Сейітов",
            "Төлеуов", "Үсенов", "Шәріпов", "Ермеков", "Ахметов", "Мұратов", "Серікбаев", "Ысқақов"]
MALE = ["Арман", "Бауыржан", "Ерлан", "Дәурен", "Нұрлан", "Самат", "Асқар", "Талғат", "Мирас", "Ержан"]
FEMALE = ["Айгүл", "Гүлнар", "Динара", "Жанар", "Мөлдір", "Сәуле", "Ақмарал", "Әсел", "Перизат", "Индира"]
STREETS = ["Абай көшесі", "Бейбітшілік көшесі", "Достық көшесі", "Жастар көшесі", "Мектеп көшесі"]


def synthetic_iin(rng: random.Random) -> str:
    while True:
        first = "".join(str(rng.randrange(10)) for _ in range(11))
        digit = control_digit(first)
        if digit is not None:
            return first + str(digit)


def _person(rng: random.Random):
    surname = rng.choice(SURNAMES)
    if rng.random() < 0.5:
        given = rng.choice(FEMALE)
        surname = surname[:-2] + "ова" if surname.endswith("ов") else (surname[:-2] + "ева" if surname.endswith("ев") else surname)
        patronymic = rng.choice(MALE) + "қызы"
    else:
        given = rng.choice(MALE)
        patronymic = rng.choice(MALE) + "ұлы"
    return surname, given, patronymic


def _user(email, surname, given, patronymic="", *, password_hash: str, admin=False, locale="kk") -> User:
    user = User(email=email, surname=surname, given_name=given, patronymic=patronymic,
                password_hash=password_hash, is_admin=admin, locale=locale,
                confirmed_at=utcnow())
    db.session.add(user)
    db.session.flush()
    return user


def is_empty() -> bool:
    return not db.session.scalar(sa.select(sa.func.count()).select_from(Territory)) and \
        not db.session.scalar(sa.select(sa.func.count()).select_from(User))


def build_demo(seed: int = 2026) -> dict:
    """Create the demo community; return the logins."""
    rng = random.Random(seed)
    # Every demo account shares one password: hash it once (argon2 is slow on purpose).
    pw = hash_password(DEMO_PASSWORD)
    region = create_territory(None, kind=TerritoryKind.REGION, parent=None, slug="zhetisu-oblysy",
                              name_kk="Жетісу облысы (демо)", name_ru="Жетысуская область (демо)")
    district = create_territory(None, kind=TerritoryKind.DISTRICT, parent=region, slug="koksu-audany",
                                name_kk="Көксу ауданы (демо)", name_ru="Коксуский район (демо)",
                                akimat_name_kk="Көксу ауданының әкімдігі", akimat_name_ru="Акимат Коксуского района")
    rural = create_territory(
        None, kind=TerritoryKind.RURAL_DISTRICT, parent=district, slug="karabulak",
        name_kk="Қарабұлақ ауылдық округі", name_ru="Карабулакский сельский округ",
        akimat_name_kk="Қарабұлақ ауылдық округі әкімінің аппараты",
        akimat_name_ru="Аппарат акима Карабулакского сельского округа",
        address="Қарабұлақ ауылы, Абай көшесі, 12", phone="+7 728 000 00 00",
        email="akimat@karabulak.example.kz", population=4200)
    villages = [
        create_territory(None, kind=TerritoryKind.VILLAGE, parent=rural, slug=slug, name_kk=kk, name_ru=ru)
        for slug, kk, ru in [("karabulak-auyly", "Қарабұлақ ауылы", "село Карабулак"),
                             ("kokterek-auyly", "Көктерек ауылы", "село Коктерек"),
                             ("zhanaturmys-auyly", "Жаңатұрмыс ауылы", "село Жанатурмыс")]]
    city = create_territory(None, kind=TerritoryKind.CITY, parent=region, slug="zhanaqala",
                            name_kk="Жаңақала қаласы (демо)", name_ru="город Жанакала (демо)",
                            akimat_name_kk="Жаңақала қаласының әкімдігі", akimat_name_ru="Акимат города Жанакала",
                            address="Жаңақала қ., Тәуелсіздік даңғылы, 1", phone="+7 728 000 00 01",
                            email="akimat@zhanaqala.example.kz")
    electoral = create_territory(None, kind=TerritoryKind.ELECTORAL_DISTRICT, parent=city, slug="zhanaqala-5",
                                 name_kk="№ 5 сайлау округі", name_ru="Избирательный округ № 5", population=18500)

    admin = _user("admin@ortaq-demo.kz", "Әкімшіұлы", "Админ", admin=True, password_hash=pw)
    staff = _user("staff@ortaq-demo.kz", "Сейітова", "Гүлнар", "Асқарқызы", password_hash=pw)
    city_staff = _user("city-staff@ortaq-demo.kz", "Мұратов", "Ерлан", "Талғатұлы", locale="ru", password_hash=pw)
    secretary = _user("secretary@ortaq-demo.kz", "Оспанова", "Әсел", "Нұрланқызы", password_hash=pw)
    chair = _user("chair@ortaq-demo.kz", "Байжанов", "Бауыржан", "Саматұлы", password_hash=pw)
    akim = _user("akim@ortaq-demo.kz", "Жұмабаев", "Асқар", "Ерланұлы", password_hash=pw)
    for user, territory, kind in [(staff, rural, RoleKind.STAFF), (city_staff, city, RoleKind.STAFF),
                                  (secretary, rural, RoleKind.SECRETARY), (chair, rural, RoleKind.CHAIR),
                                  (akim, rural, RoleKind.AKIM), (chair, rural, RoleKind.MEMBER),
                                  (secretary, rural, RoleKind.MEMBER)]:
        db.session.add(RoleAssignment(user_id=user.id, territory_id=territory.id, kind=kind, granted_by_id=admin.id))

    # The register: about 60 residents of the rural district.
    batch = RegisterImport(territory_id=rural.id, imported_by_id=staff.id, filename="demo-register.csv",
                           sha256="0" * 64)
    db.session.add(batch)
    db.session.flush()
    entries = []
    for n in range(60):
        surname, given, patronymic = _person(rng)
        iin = synthetic_iin(rng)
        village = villages[n % 3]
        address = f"{village.name_kk}, {rng.choice(STREETS)}, {rng.randint(1, 80)}"
        entries.append((iin, surname, given, patronymic))
        db.session.add(RegisterEntry(territory_id=rural.id, iin_hmac=iin_hmac(iin), surname=surname,
                                     given_name=given, patronymic=patronymic, address=address, import_id=batch.id))
    batch.rows_added = len(entries)

    # Ten of them have accounts and are verified; resident1 is the one to try.
    residents = []
    for n, (iin, surname, given, patronymic) in enumerate(entries[:10], start=1):
        user = _user(f"resident{n}@ortaq-demo.kz", surname, given, patronymic, locale="kk" if n % 3 else "ru",
                     password_hash=pw)
        db.session.add(Residency(user_id=user.id, territory_id=rural.id, iin_hmac=iin_hmac(iin),
                                 method="register" if n % 4 else "office",
                                 verified_by_id=None if n % 4 else staff.id))
        residents.append(user)
    # One more registered but not yet verified, with a register line to claim.
    newcomer_iin, ns, ng, np_ = entries[10]
    _user("newcomer@ortaq-demo.kz", ns, ng, np_, password_hash=pw)
    from civic.contests.demo import build as build_contests
    # Register lines 11..60 have no account: they vote on paper at the akimat.
    build_contests(staff, residents, [e[0] for e in entries[11:]], rural, rng)
    from civic.councils.demo import build as build_councils
    build_councils(staff, chair, secretary, akim, rural)
    audit.record("demo.loaded", actor=None, territories=[region.id, district.id, rural.id, city.id, electoral.id])
    db.session.flush()
    return {
        "password": DEMO_PASSWORD,
        "logins": [("admin@ortaq-demo.kz", "site admin"),
                   ("staff@ortaq-demo.kz", "akimat staff, Qarabulaq rural district"),
                   ("city-staff@ortaq-demo.kz", "akimat staff, Zhanaqala city"),
                   ("secretary@ortaq-demo.kz", "secretary"), ("chair@ortaq-demo.kz", "chair"),
                   ("akim@ortaq-demo.kz", "akim"),
                   ("resident1@ortaq-demo.kz … resident10@ortaq-demo.kz", "verified residents"),
                   ("newcomer@ortaq-demo.kz", f"not yet verified: IIN {newcomer_iin}, surname {ns}")],
    }
