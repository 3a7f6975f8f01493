#!/usr/bin/env python3
"""Render time and SQL statements per request of the public council pages, over a large archive.

    python bench/bench_councils.py [--db sqlite|postgresql|both] [--protocols N] [--requests R]
                                   [--page-seconds S] [--no-analyze] [--show-sql] [--keep] [--seed N]

For each database:

1. Schema from the Alembic migrations (``flask db upgrade``), so the archive's search structures
   are the migrations' own: the FTS5 table ``protocol_fts`` on SQLite, the GIN expression index
   ``ix_protocol_text_fts`` on PostgreSQL.
   SQLite: a fresh file in a temporary instance folder. PostgreSQL: the database
   ``ortaq_bench_councils`` on 127.0.0.1:5432, dropped and created again on each run and left
   afterwards for inspection. The database ``test`` (the test suite's) is never touched.
2. The archive, inserted in bulk with SQLAlchemy Core (not through the services, which run dozens
   of statements and audit entries per session):
   N/100 bodies (community meetings and gatherings, territorial councils) in N/200 rural districts,
   with 9–15 members each; N past sessions, published, with their agenda items (a progress report
   and 2–5 topics), the decisions taken, and a protocol each — signed by chair and secretary and
   published; 2 % of them corrected once (a superseded version 1 and a published version 2, so the
   "latest published version" join has work to do). The protocol texts follow the layout of
   ``civic.councils.protocols.generate_text``, two thirds in Kazakh and a third in Russian,
   generated from word lists in this file: 16 topics (жайылым / пастбища, жер учаскесі /
   земельный участок, көше жарығы / уличное освещение, бюджет, су құбыры / водопровод, …) with
   varied word forms, so stemming and prefix matching are exercised. A few upcoming, announced
   sessions as well. Every protocol is then put into the search index by
   ``civic.councils.archive.index_protocol`` — the call ``protocols.publish`` makes — one by one
   in the order of publication (on PostgreSQL the call only checks that the index exists; the
   expression index follows the table by itself).
3. Two sessions run through the services exactly as a secretary runs them (announce, materials,
   register, elect, approve the agenda, speeches, counted and roll-call votes, a tie decided by
   the chair, close, draft, sign twice, publish): the **large session** — 40 agenda items,
   100 members, all present — and a small control session (5 members, 4 items). Equal statement
   counts for the two session pages mean the page has no N+1.
   On PostgreSQL the load ends with ``ANALYZE`` (``--no-analyze`` skips it): a database that has
   been in use has planner statistics, autovacuum would gather them after such a load — but it
   may be switched off, and without statistics the search plans go badly wrong.
4. Requests through the Flask test client, in this process, anonymous, ``Accept-Language: kk``:
   1 warm-up request, then R timed ones (default 20) per page; a page that has taken more than
   ``--page-seconds`` (15) stops after at least 3 timed requests, so that a very slow page does
   not make the run last many minutes (the column n says how many were timed).
   A ``before_cursor_execute`` / ``after_cursor_execute`` listener on the engine counts the SQL
   statements of each request and times them; the table shows median / p95 of the whole request
   (routing, queries, template, response), the statements per request, the median time spent in
   the database and the slowest statement. ``--show-sql`` prints every statement of one request
   per page.

Any page that does not answer 200 or misses what it should show (the hits of a search, the 40
items and 100 names of the large session) → exit status 1.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, time as dtime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.appenv import app_env, dispose, patched_environ, recreate_pg_database  # noqa: E402

PG_BENCH_DB = "ortaq_bench_councils"
ALMATY = timezone(timedelta(hours=5))
CHUNK = 2000
WARMUP = 1
LARGE_ITEMS = 40          # agenda items of the large session, the progress report included
LARGE_MEMBERS = 100
MIN_REQUESTS = 3          # timed requests per page even when it is over --page-seconds
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

# --------------------------------------------------------------------------- word lists

VILLAGES = [
    "Қарабұлақ", "Көктерек", "Жаңатұрмыс", "Ақсу", "Көктал", "Бірлік", "Талдыбұлақ", "Шымбұлақ", "Қызылжар",
    "Ақжар", "Сарыөзек", "Қоғалы", "Теректі", "Жалғызағаш", "Байсерке", "Ұзынағаш", "Шамалған", "Қарасу",
    "Ақтоған", "Бесқайнар", "Таусамалы", "Кеңсай", "Майтөбе", "Алмалы", "Бозой", "Тереңкөл", "Жетісу",
    "Қарой", "Ащыбұлақ", "Ынтымақ", "Береке", "Достық", "Шұбар", "Қайнар", "Ақбастау", "Көкөзек", "Сарыбұлақ",
    "Жаңаталап", "Қамысты", "Тасты", "Құмтөбе", "Бестерек", "Орнек", "Ескелді", "Қапал", "Лепсі", "Арасан",
    "Үштөбе", "Қосағаш", "Мыңбұлақ",
]
KK_SURNAMES = ["Сейітов", "Қасымов", "Төлеуов", "Ахметов", "Ермеков", "Мұратов", "Үсенов", "Жұмабаев",
               "Нұрланов", "Бекмағамбетов", "Оспанов", "Сәрсенбаев", "Әбдірахманов", "Құрманов", "Тәжібаев",
               "Исабеков", "Байжанов", "Омаров", "Рахымов", "Смағұлов", "Есенов", "Қалиев", "Дүйсенов", "Мамыров"]
GIVEN_M = ["Нұрлан", "Самат", "Ержан", "Дәурен", "Асқар", "Серік", "Бауыржан", "Талғат", "Ерлан", "Арман",
           "Болат", "Мирас", "Қайрат", "Ғалым", "Жандос", "Руслан"]
GIVEN_F = ["Динара", "Сәуле", "Жанар", "Гүлнар", "Айгүл", "Мөлдір", "Ләззат", "Әсел", "Назгүл", "Бибігүл",
           "Салтанат", "Ақмарал"]
FATHERS = ["Асқар", "Ерлан", "Бауыржан", "Талғат", "Мираз", "Арман", "Нұрлан", "Серік", "Қанат", "Жақсылық"]

PLACES_KK = ["ауылдық клубы", "мәдениет үйі", "әкім аппаратының мәжіліс залы", "мектептің акт залы"]
PLACES_RU = ["сельский клуб", "дом культуры", "актовый зал аппарата акима", "актовый зал школы"]
PARTICIPANTS = [("ауылдық округ әкімі", "аким сельского округа"),
                ("аудандық жер қатынастары бөлімінің маманы", "специалист районного отдела земельных отношений"),
                ("учаскелік полиция инспекторы", "участковый инспектор полиции"),
                ("ветеринарлық пункттің дәрігері", "ветеринарный врач пункта"),
                ("мектеп директоры", "директор школы")]
RAPPORTEURS = [("әкім аппаратының бас маманы", "главный специалист аппарата акима"),
               ("әкім аппаратының бас есепшісі", "главный бухгалтер аппарата акима"),
               ("жер қатынастары жөніндегі маман", "специалист по земельным отношениям"),
               ("коммуналдық шаруашылық маманы", "специалист по коммунальному хозяйству"),
               ("ауылдық округ әкімі", "аким сельского округа")]


@dataclass(frozen=True)
class Topic:
    titles_kk: tuple
    titles_ru: tuple
    speeches_kk: tuple
    speeches_ru: tuple
    motions_kk: tuple
    motions_ru: tuple


TOPICS = [
    Topic(("Жайылымдарды пайдалану қағидалары туралы", "Жайылымдарды басқару және оларды пайдалану жоспары туралы",
           "Маусымдық жайылымға мал шығару кестесі туралы"),
          ("Об утверждении плана по управлению пастбищами и их использованию",
           "О графике выпаса скота на сезонных пастбищах", "О правилах пользования пастбищами"),
          ("Жайылымның тозуына байланысты мал санын шектеуді ұсынды.",
           "Жайылымдарды ауылдар бойынша бөлу кестесін түсіндірді.",
           "Жайылымдағы суат орындарын жөндеу қажеттігін айтты.",
           "Шалғайдағы жайылымдарға мал айдау жолдарын белгілеуді сұрады."),
          ("Предложил ограничить выпас на деградированных пастбищах.",
           "Сообщила о нехватке водопоев на отгонных пастбищах.",
           "Попросил закрепить за каждым селом участок пастбища."),
          ("Жайылымдарды пайдалану кестесін бекіту", "Жайылымды басқару жоспарын мақұлдау"),
          ("Утвердить график использования пастбищ", "Одобрить план управления пастбищами")),
    Topic(("Жер учаскесін бөлу туралы", "Жер учаскелерін жеке тұрғын үй құрылысына беру туралы",
           "Пайдаланылмай жатқан жер учаскелері туралы"),
          ("О выделении земельного участка", "О предоставлении земельных участков под индивидуальное строительство",
           "О неиспользуемых земельных участках"),
          ("Жер учаскесінің шекарасын нақтылауды ұсынды.", "Кезекте тұрған отбасыларға жер учаскелерін беруді сұрады.",
           "Пайдаланылмай жатқан жер учаскелерін қайтару тәртібін түсіндірді."),
          ("Предложила уточнить границы земельного участка.",
           "Попросил ускорить выдачу земельных участков очередникам."),
          ("Жер учаскелерін бөлу тізімін мақұлдау", "Пайдаланылмай жатқан жерлер тізімін аудан әкімдігіне жіберу"),
          ("Одобрить список распределения земельных участков", "Направить список неиспользуемых земель в акимат района")),
    Topic(("Көше жарығын жөндеу туралы", "Көше жарығын күн панельдеріне көшіру туралы",
           "Орталық көшеге жарық шамдарын орнату туралы"),
          ("О ремонте уличного освещения", "Об уличном освещении на солнечных панелях",
           "Об установке фонарей освещения на центральной улице"),
          ("Көше жарығы түнде сөніп қалатынын айтты.", "Көше жарығына жұмсалатын электр шығынын азайтуды ұсынды.",
           "Мектепке апаратын көшеде жарық жоқ екенін хабарлады."),
          ("Сообщил, что уличное освещение не работает по ночам.",
           "Предложила перейти на светодиодное освещение улиц."),
          ("Көше жарығын жөндеу жұмыстарын жүргізу", "Көше жарығына қосымша шамдар орнату"),
          ("Провести ремонт уличного освещения", "Установить дополнительные фонари освещения")),
    Topic(("Ауылдық округ бюджетінің жобасы туралы", "Бюджеттің атқарылуы туралы есеп",
           "Бюджет қаражатын жергілікті қоғамдастық басымдықтарына бөлу туралы"),
          ("О проекте бюджета сельского округа", "Отчёт об исполнении бюджета", "О распределении бюджетных средств"),
          ("Бюджет шығыстарының құрылымын түсіндірді.", "Бюджеттен жол жөндеуге көбірек қаржы бөлуді ұсынды.",
           "Бюджеттің атқарылуы туралы есепті ашық жариялауды сұрады."),
          ("Пояснила структуру расходов бюджета.", "Предложил увеличить расходы бюджета на благоустройство."),
          ("Бюджет жобасын мақұлдау", "Бюджеттің атқарылуы туралы есепті назарға алу"),
          ("Одобрить проект бюджета", "Принять к сведению отчёт об исполнении бюджета")),
    Topic(("Ауыз су құбырын жүргізу туралы", "Су құбыры желісін жөндеу туралы"),
          ("О строительстве водопровода", "О ремонте водопроводной сети"),
          ("Су құбыры жиі жарылатынын айтты.", "Ауыз су сапасын тексертуді ұсынды."),
          ("Сообщил о частых порывах водопровода.", "Предложила проверить качество питьевой воды."),
          ("Су құбыры жөндеуін келесі жылдың жоспарына енгізу",),
          ("Включить ремонт водопровода в план следующего года",)),
    Topic(("Ішкі жолдарды жөндеу туралы", "Көшелерді қиыршық таспен төсеу туралы"),
          ("О ремонте внутрипоселковых дорог", "О подсыпке улиц гравием"),
          ("Көктемде көшелерді су басатынын айтты.", "Жол жөндеуді мектеп маңынан бастауды ұсынды."),
          ("Сообщил, что весной улицы затапливает.", "Предложил начать ремонт дорог с улиц у школы."),
          ("Ішкі жолдарды орташа жөндеу жоспарын мақұлдау",),
          ("Одобрить план среднего ремонта дорог",)),
    Topic(("Қоқыс шығару кестесі туралы", "Стихиялық қоқыс орындарын жою туралы"),
          ("О графике вывоза мусора", "О ликвидации стихийных свалок"),
          ("Қоқыс аптасына бір рет қана шығарылатынын айтты.", "Ауыл шетіндегі стихиялық қоқыс орнын жоюды сұрады."),
          ("Попросила вывозить мусор дважды в неделю.", "Сообщил о стихийной свалке у реки."),
          ("Қоқыс шығару кестесін бекіту",),
          ("Утвердить график вывоза мусора",)),
    Topic(("Малды егу және ветеринарлық шаралар туралы", "Мал қорымын қоршау туралы"),
          ("О вакцинации скота и ветеринарных мероприятиях", "Об ограждении скотомогильника"),
          ("Малды егу кестесін хабарлады.", "Қаңғыбас мал мәселесін көтерді."),
          ("Сообщил график вакцинации скота.", "Подняла вопрос безнадзорного скота."),
          ("Ветеринарлық шаралар жоспарын мақұлдау",),
          ("Одобрить план ветеринарных мероприятий",)),
    Topic(("Балалар ойын алаңын салу туралы",),
          ("О строительстве детской игровой площадки",),
          ("Балалар алаңын мектеп жанына салуды ұсынды.",),
          ("Предложила построить детскую площадку возле школы.",),
          ("Балалар ойын алаңына орын белгілеу",),
          ("Определить место под детскую площадку",)),
    Topic(("Мәдениет үйін күрделі жөндеу туралы",),
          ("О капитальном ремонте дома культуры",),
          ("Мәдениет үйінің шатыры ағатынын айтты.",),
          ("Сообщил, что крыша дома культуры протекает.",),
          ("Мәдениет үйін жөндеуге өтінім беру",),
          ("Подать заявку на ремонт дома культуры",)),
    Topic(("Ауылды көгалдандыру туралы", "Сенбілік өткізу туралы"),
          ("Об озеленении села", "О проведении субботника"),
          ("Көшелерге ағаш отырғызуды ұсынды.", "Сенбілікке мектеп оқушыларын тартуды сұрады."),
          ("Предложил высадить деревья вдоль улиц.",),
          ("Көктемгі көгалдандыру жоспарын бекіту",),
          ("Утвердить план весеннего озеленения",)),
    Topic(("Өрт қауіпсіздігі шаралары туралы",),
          ("О мерах пожарной безопасности",),
          ("Өрт сөндіру гидранттарын тексеруді сұрады.", "Дала өрттерінің алдын алу шараларын түсіндірді."),
          ("Попросил проверить пожарные гидранты.",),
          ("Өрт қауіпсіздігі жоспарын мақұлдау",),
          ("Одобрить план мер пожарной безопасности",)),
    Topic(("Аудан орталығына қатынайтын автобус туралы",),
          ("Об автобусном сообщении с районным центром",),
          ("Автобус күніне бір рет қана жүретінін айтты.",),
          ("Сообщила, что автобус ходит раз в день.",),
          ("Тасымалдаушыға қосымша рейс туралы хат жіберу",),
          ("Направить перевозчику письмо о дополнительном рейсе",)),
    Topic(("Ұялы байланыс пен интернет сапасы туралы",),
          ("О качестве мобильной связи и интернета",),
          ("Интернет жылдамдығы төмен екенін айтты.",),
          ("Попросил установить вышку связи.",),
          ("Байланыс операторына өтініш жолдау",),
          ("Направить обращение оператору связи",)),
    Topic(("Бірлескен қаржыландыру жобаларын іріктеу туралы",),
          ("Об отборе проектов совместного финансирования",),
          ("Тұрғындар ұсынған жобаларды таныстырды.",),
          ("Представила проекты, предложенные жителями.",),
          ("Іріктелген жобалар тізімін бекіту",),
          ("Утвердить список отобранных проектов",)),
    Topic(("Мектепке дейінгі шағын орталық ашу туралы",),
          ("Об открытии мини-центра дошкольного воспитания",),
          ("Балабақшаға кезек ұзын екенін айтты.",),
          ("Сообщила о длинной очереди в детский сад.",),
          ("Шағын орталық ашу туралы ұсынысты қолдау",),
          ("Поддержать предложение об открытии мини-центра",)),
]
PROGRESS_KK = "Бұрынғы отырыстар шешімдерінің орындалу барысы туралы"
PROGRESS_RU = "О ходе исполнения решений предыдущих заседаний"
PROGRESS_SPEECH_KK = "Бұрынғы шешімдердің орындалуы туралы ақпарат берді."
PROGRESS_SPEECH_RU = "Проинформировал об исполнении ранее принятых решений."

# The pages measured: (label, path, query string). Ids of the sessions/protocols are filled in later.
SEARCHES = [("search: жайылым (Kazakh word)", "жайылым"),
            ("search: көше жарығы (two words)", "көше жарығы"),
            ("search: пастбищах (Russian)", "пастбищах"),
            ("search: космодром (no match)", "космодром")]


def person(rng: random.Random) -> str:
    father = rng.choice(FATHERS)
    if rng.random() < 0.5:
        return f"{rng.choice(KK_SURNAMES)} {rng.choice(GIVEN_M)} {father}ұлы"
    return f"{rng.choice(KK_SURNAMES)}а {rng.choice(GIVEN_F)} {father}қызы"


def unique_people(rng: random.Random, n: int) -> list[str]:
    names: list[str] = []
    seen = set()
    while len(names) < n:
        name = person(rng)
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


# --------------------------------------------------------------------------- protocol text

@dataclass
class GenItem:
    title: str
    rapporteur: str
    motion: str
    progress: bool


def generate_record(rng: random.Random, *, lang: str, body_name: str, number: int, starts_local: datetime,
                    place: str, members: list[str], chair: str, secretary: str) -> tuple[str, list[GenItem]]:
    """A protocol laid out like civic.councils.protocols.generate_text, and its agenda items."""
    kk = lang == "kk"
    present = [m for m in members if m in (chair, secretary) or rng.random() < 0.85]
    guests = [(person(rng), *rng.choice(PARTICIPANTS)) for _ in range(rng.randint(0, 2))]
    topics = rng.sample(TOPICS, rng.randint(2, 5))
    items = [GenItem(PROGRESS_KK if kk else PROGRESS_RU, "", "", True)]
    for topic in topics:
        rapporteur = rng.choice(RAPPORTEURS)[0 if kk else 1]
        items.append(GenItem(rng.choice(topic.titles_kk if kk else topic.titles_ru), rapporteur,
                             rng.choice(topic.motions_kk if kk else topic.motions_ru), False))
    n = len(present)
    if kk:
        lines = [body_name, f"№ {number} ОТЫРЫСТЫҢ ХАТТАМАСЫ", "",
                 f"1. Өткізілген күні мен орны: {starts_local:%d.%m.%Y}, {starts_local:%H:%M}; {place}.",
                 f"2. Қатысқан мүшелер: {n} (барлық мүшелер саны — {len(members)}):"]
    else:
        lines = [body_name, f"ПРОТОКОЛ ЗАСЕДАНИЯ № {number}", "",
                 f"1. Дата и место проведения: {starts_local:%d.%m.%Y}, {starts_local:%H:%M}; {place}.",
                 f"2. Присутствовали члены: {n} (всего членов — {len(members)}):"]
    lines += [f"   {i}. {m}" for i, m in enumerate(present, start=1)]
    lines.append(f"3. Басқа қатысушылар: {len(guests)}:" if kk else f"3. Другие участники: {len(guests)}:")
    lines += [f"   {i}. {g[0]}, {g[1] if kk else g[2]}" for i, g in enumerate(guests, start=1)] or ["   —"]
    lines.append(f"4. Төраға: {chair}; хатшы: {secretary}." if kk else f"4. Председатель: {chair}; секретарь: {secretary}.")
    lines.append("5. Күн тәртібі:" if kk else "5. Повестка дня:")
    for i, item in enumerate(items, start=1):
        extra = (f" (баяндамашы: {item.rapporteur})" if kk else f" (докладчик: {item.rapporteur})") if item.rapporteur else ""
        lines.append(f"   {i}. {item.title}{extra}")
    procedural = [("Төраға" if kk else "Председатель") + f": {chair}", ("Хатшы" if kk else "Секретарь") + f": {secretary}",
                  "Күн тәртібін бекіту" if kk else "Утвердить повестку дня"]
    for motion in procedural:
        lines += ["", f"{motion}.", result_line(kk, n, 0, 0, True)]
    topic_of = {id(item): topic for item, topic in zip(items[1:], topics)}
    for i, item in enumerate(items, start=1):
        lines += ["", f"{i}-мәселе. {item.title}" if kk else f"Вопрос {i}. {item.title}"]
        speakers = rng.sample(present, min(len(present), rng.randint(1, 3)))
        for speaker in speakers:
            if item.progress:
                summary = PROGRESS_SPEECH_KK if kk else PROGRESS_SPEECH_RU
            else:
                topic = topic_of[id(item)]
                # A Kazakh protocol now and then records a speech made in Russian.
                speech_ru = not kk or rng.random() < 0.1
                summary = rng.choice(topic.speeches_ru if speech_ru else topic.speeches_kk)
            lines.append(f"Сөйлеген: {speaker} — {summary}" if kk else f"Выступил(а): {speaker} — {summary}")
        if item.progress:
            lines.append("Ақпарат назарға алынды." if kk else "Информация принята к сведению.")
            continue
        lines.append(f"Дауысқа қойылды: {item.motion}" if kk else f"Поставлено на голосование: {item.motion}")
        against = rng.randint(0, max(0, n // 4))
        abstained = rng.randint(0, max(0, n // 6))
        for_votes = n - against - abstained
        lines.append(result_line(kk, for_votes, against, abstained, 2 * for_votes > n))
    lines += ["", f"Төраға: {chair}" if kk else f"Председатель: {chair}",
              f"Хатшы: {secretary}" if kk else f"Секретарь: {secretary}"]
    return "\n".join(lines) + "\n", items


def result_line(kk: bool, for_votes: int, against: int, abstained: int, adopted: bool) -> str:
    if kk:
        return (f"Дауыс беру нәтижесі: жақтады — {for_votes}, қарсы — {against}, қалыс қалды — {abstained}."
                + (" ШЕШІМ ҚАБЫЛДАНДЫ." if adopted else " Шешім қабылданбады."))
    return (f"Итоги голосования: за — {for_votes}, против — {against}, воздержались — {abstained}."
            + (" РЕШЕНИЕ ПРИНЯТО." if adopted else " Решение не принято."))


# --------------------------------------------------------------------------- environment

def at_local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, dtime(hour, minute), tzinfo=ALMATY).astimezone(timezone.utc)


# --------------------------------------------------------------------------- set-up

@dataclass
class Setup:
    protocols: int = 0            # sessions with a published protocol (the searchable archive)
    protocol_rows: int = 0        # versions in the protocol table (corrections included)
    sessions: int = 0
    bodies: int = 0
    large_session_id: int = 0
    small_session_id: int = 0
    large_protocol_id: int = 0
    typical_protocol_id: int = 0
    timings: dict = field(default_factory=dict)


def build_archive(n_protocols: int, rng: random.Random, setup: Setup) -> None:
    """Territories, bodies and members through the ORM; sessions, items, decisions, protocols and
    signatures in bulk with SQLAlchemy Core (INSERT … RETURNING for the ids)."""
    from civic.communities.models import TerritoryKind
    from civic.communities.services import create_territory
    from civic.councils.models import AgendaItem, Body, Member, MemberRole, Session, SessionState
    from civic.councils.record_models import Decision, Protocol, ProtocolSignature
    from civic.councils.protocols import text_sha256
    from civic.councils.rules import BodyKind
    from civic.extensions import db

    t0 = time.perf_counter()
    region = create_territory(None, kind=TerritoryKind.REGION, parent=None, slug="bench-oblysy",
                              name_kk="Бенч облысы", name_ru="Бенч область")
    district = create_territory(None, kind=TerritoryKind.DISTRICT, parent=region, slug="bench-audany",
                                name_kk="Бенч ауданы", name_ru="Бенч район")
    n_bodies = max(2, round(n_protocols / 100))
    n_rural = max(1, (n_bodies + 1) // 2)
    rurals = []
    for i in range(n_rural):
        village = VILLAGES[i % len(VILLAGES)] + ("" if i < len(VILLAGES) else f" {i // len(VILLAGES) + 1}")
        rurals.append(create_territory(None, kind=TerritoryKind.RURAL_DISTRICT, parent=district, slug=f"bench-{i + 1}",
                                       name_kk=f"{village} ауылдық округі", name_ru=f"{village} сельский округ",
                                       akimat_name_kk=f"{village} ауылдық округі әкімінің аппараты",
                                       akimat_name_ru=f"Аппарат акима {village} сельского округа",
                                       population=rng.randint(800, 6000)))
    kinds = [BodyKind.MEETING, BodyKind.GATHERING, BodyKind.MEETING, BodyKind.TERRITORIAL_COUNCIL]
    body_label = {BodyKind.MEETING: "жергілікті қоғамдастық жиналысы", BodyKind.GATHERING: "жергілікті қоғамдастық жиыны",
                  BodyKind.TERRITORIAL_COUNCIL: "аумақтық кеңесі"}
    bodies, roster = [], {}
    for b in range(n_bodies):
        rural = rurals[b // 2]
        kind = kinds[b % len(kinds)]
        village = rural.name_kk.replace(" ауылдық округі", "")
        body = Body(territory_id=rural.id, territory=rural, kind=kind, slug=f"bench-body-{b + 1}",
                    name=f"{village} ауылдық округінің {body_label[kind]}",
                    base_size=rural.population if kind == BodyKind.GATHERING else None)
        body.apply_defaults()
        db.session.add(body)
        bodies.append(body)
    db.session.flush()
    for body in bodies:
        size = rng.randrange(9, 16, 2) if body.kind == BodyKind.TERRITORIAL_COUNCIL else rng.randint(9, 15)
        names = unique_people(rng, size)
        members = [Member(body_id=body.id, full_name=name,
                          role=MemberRole.CHAIR if k == 0 else MemberRole.SECRETARY if k == 1 else MemberRole.DELEGATE,
                          represents=f"{rng.choice(VILLAGES)} ауылы") for k, name in enumerate(names)]
        db.session.add_all(members)
        roster[body.id] = members
    db.session.flush()
    setup.bodies = n_bodies

    # Sessions: spread evenly over the bodies, dated over the last seven years, numbered per body.
    today = date.today()
    first = today - timedelta(days=7 * 365)
    last = today - timedelta(days=12)
    span = (last - first).days
    per_body = [n_protocols // n_bodies + (1 if b < n_protocols % n_bodies else 0) for b in range(n_bodies)]
    session_rows, records = [], []
    for body, count in zip(bodies, per_body):
        days = sorted(rng.sample(range(span), count))
        members = roster[body.id]
        chair, secretary = members[0], members[1]
        for number, offset in enumerate(days, start=1):
            day = first + timedelta(days=offset)
            hour = rng.choice((10, 11, 15, 16))
            starts = at_local(day, hour)
            lang = "ru" if rng.random() < 1 / 3 else "kk"
            place_kk = f"{rng.choice(VILLAGES)} ауылы, {rng.choice(PLACES_KK)}"
            place_ru = f"село {rng.choice(VILLAGES)}, {rng.choice(PLACES_RU)}"
            place = place_kk if lang == "kk" else place_ru
            announced = at_local(day - timedelta(days=rng.choice((8, 10, 11, 12, 14))), 10)   # now and then late
            text, items = generate_record(rng, lang=lang, body_name=body.name, number=number,
                                          starts_local=starts.astimezone(ALMATY), place=place,
                                          members=[m.full_name for m in members], chair=chair.full_name,
                                          secretary=secretary.full_name)
            session_rows.append(dict(
                body_id=body.id, number=number, starts_at=starts, place=place, online_link="", is_open=True,
                state=SessionState.PUBLISHED, state_reason="", announced_at=announced,
                materials_at=at_local(day - timedelta(days=rng.choice((4, 6, 7, 9))), 10),
                opened_at=starts, closed_at=starts + timedelta(hours=2), chair_member_id=chair.id,
                secretary_member_id=secretary.id, agenda_approved=True, revision=0, created_at=announced,
                updated_at=starts + timedelta(hours=2)))
            published = at_local(day + timedelta(days=rng.randint(1, 4)), 11)
            records.append((text, items, published, chair.full_name, secretary.full_name, day))
    # A few announced sessions to come (the "upcoming" table of /sessions).
    upcoming_rows = []
    for k, (body, count) in enumerate(zip(bodies[:12], per_body)):
        starts = at_local(today + timedelta(days=5 + 2 * k), 15)
        upcoming_rows.append(dict(
            body_id=body.id, number=count + 1, starts_at=starts, place=f"{rng.choice(VILLAGES)} ауылы, мәдениет үйі",
            online_link="", is_open=True, state=SessionState.ANNOUNCED, state_reason="",
            announced_at=at_local(today - timedelta(days=6), 10), materials_at=None, opened_at=None, closed_at=None,
            chair_member_id=None, secretary_member_id=None, agenda_approved=False, revision=0,
            created_at=at_local(today - timedelta(days=7), 10), updated_at=at_local(today - timedelta(days=6), 10)))
    setup.timings["generate texts, s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    conn = db.session.connection()

    def insert_returning(table, rows) -> list[int]:
        ids = []
        for start in range(0, len(rows), CHUNK):
            result = conn.execute(table.insert().returning(table.c.id, sort_by_parameter_order=True),
                                  rows[start:start + CHUNK])
            ids += [row[0] for row in result]
        return ids

    def insert(table, rows) -> None:
        for start in range(0, len(rows), CHUNK):
            conn.execute(table.insert(), rows[start:start + CHUNK])

    session_ids = insert_returning(Session.__table__, session_rows)
    upcoming_ids = insert_returning(Session.__table__, upcoming_rows)
    item_rows, decision_rows, protocol_rows, n_corrected = [], [], [], 0
    for sid, (text, items, published, _c, _s, day) in zip(session_ids, records):
        for position, item in enumerate(items, start=1):
            item_rows.append(dict(session_id=sid, position=position, title=item.title, rapporteur=item.rapporteur,
                                  is_progress_report=item.progress, status="approved", motion=item.motion))
            if not item.progress:
                reviewed = at_local(day + timedelta(days=rng.randint(3, 8)), 12)
                decision_rows.append(dict(
                    session_id=sid, vote_id=None, text=item.motion, executor=rng.choice(RAPPORTEURS)[0],
                    due_on=day + timedelta(days=rng.choice((30, 60, 90, 180))), akim_status="agreed", akim_reason="",
                    akim_reviewed_at=reviewed, members_informed_at=reviewed + timedelta(days=2),
                    rediscussed_in_session_id=None, done_at=reviewed + timedelta(days=rng.randint(20, 120))
                    if rng.random() < 0.8 else None, created_at=published))
        digest = text_sha256(text)
        if rng.random() < 0.02:
            # Corrected once: version 1 published, then superseded by a published version 2.
            n_corrected += 1
            corrected = text.replace("ұлы\n", "ұлы.\n", 1) + "Түзету енгізілді.\n"
            published2 = published + timedelta(days=rng.randint(10, 40))
            protocol_rows.append(dict(session_id=sid, version=1, text=text, sha256=digest, state="superseded",
                                      correction_reason="", created_at=published - timedelta(days=1),
                                      published_at=published, sent_to_akim_at=published))
            protocol_rows.append(dict(session_id=sid, version=2, text=corrected, sha256=text_sha256(corrected),
                                      state="published", correction_reason="Мүшенің аты-жөніндегі қате түзетілді.",
                                      created_at=published2 - timedelta(days=1), published_at=published2,
                                      sent_to_akim_at=published))
        else:
            protocol_rows.append(dict(session_id=sid, version=1, text=text, sha256=digest, state="published",
                                      correction_reason="", created_at=published - timedelta(days=1),
                                      published_at=published, sent_to_akim_at=published))
    for sid in upcoming_ids:
        item_rows.append(dict(session_id=sid, position=1, title=PROGRESS_KK, rapporteur="", is_progress_report=True,
                              status="proposed", motion=""))
        topic = rng.choice(TOPICS)
        item_rows.append(dict(session_id=sid, position=2, title=rng.choice(topic.titles_kk),
                              rapporteur=rng.choice(RAPPORTEURS)[0], is_progress_report=False, status="proposed",
                              motion=""))
    insert(AgendaItem.__table__, item_rows)
    insert(Decision.__table__, decision_rows)
    protocol_ids = insert_returning(Protocol.__table__, protocol_rows)
    signer = {sid: (c, s) for sid, (_t, _i, _p, c, s, _d) in zip(session_ids, records)}
    signature_rows = []
    for pid, row in zip(protocol_ids, protocol_rows):
        chair_name, secretary_name = signer[row["session_id"]]
        for k, (capacity, name) in enumerate((("chair", chair_name), ("secretary", secretary_name))):
            signature_rows.append(dict(protocol_id=pid, capacity=capacity, user_id=None, signer_name=name,
                                       sha256=row["sha256"], signed_at=row["created_at"] + timedelta(hours=2 + k)))
    insert(ProtocolSignature.__table__, signature_rows)
    db.session.commit()
    setup.timings["bulk insert, s"] = time.perf_counter() - t0
    setup.sessions = len(session_ids) + len(upcoming_ids)
    setup.protocols = len(session_ids)
    setup.protocol_rows = len(protocol_rows)
    published_ids = [pid for pid, row in zip(protocol_ids, protocol_rows) if row["state"] == "published"]
    setup.typical_protocol_id = published_ids[len(published_ids) // 2]
    print(f"    {n_bodies} bodies, {len(session_ids)} held sessions + {len(upcoming_ids)} upcoming, "
          f"{len(item_rows)} agenda items, {len(decision_rows)} decisions, {len(protocol_rows)} protocol versions "
          f"({n_corrected} corrected), {sum(len(r['text']) for r in protocol_rows) / 1e6:.1f} MB of text",
          flush=True)


def index_archive() -> float:
    """Put every published version into the search index with the call publishing makes,
    civic.councils.archive.index_protocol, in the order of publication."""
    import sqlalchemy as sa
    from sqlalchemy.orm import joinedload

    from civic.councils.archive import index_protocol
    from civic.councils.models import Session
    from civic.councils.record_models import Protocol
    from civic.extensions import db

    t0 = time.perf_counter()
    ids = db.session.scalars(sa.select(Protocol.id).where(Protocol.published_at.is_not(None))
                             .order_by(Protocol.published_at, Protocol.id)).all()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        protocols = db.session.scalars(sa.select(Protocol).where(Protocol.id.in_(chunk))
                                       .options(joinedload(Protocol.session).joinedload(Session.body))).all()
        by_id = {p.id: p for p in protocols}
        for pid in chunk:
            index_protocol(by_id[pid])
        db.session.commit()
        db.session.expunge_all()
    return time.perf_counter() - t0


def run_session_through_services(rng, *, staff, chair_user, secretary_user, territory, name: str, n_members: int,
                                 n_items: int, days_ago: int, materials_every: int = 0, roll_call_every: int = 0):
    """A session run the way the secretary runs it (as tests/councils/public_helpers.held_session
    and civic/councils/demo.py do): created in the future, run, then dated back."""
    from civic.councils import bodies as body_service
    from civic.councils import protocols, running, sessions
    from civic.councils.models import MemberRole
    from civic.councils.rules import BodyKind
    from civic.extensions import db

    body = body_service.create_body(staff, territory, kind=BodyKind.MEETING, name=name)
    names = unique_people(rng, n_members)
    members = [body_service.add_member(staff, body, full_name=names[0], role=MemberRole.CHAIR, user=chair_user,
                                       represents=f"{VILLAGES[0]} ауылы"),
               body_service.add_member(staff, body, full_name=names[1], role=MemberRole.SECRETARY,
                                       user=secretary_user, represents=f"{VILLAGES[1]} ауылы")]
    members += [body_service.add_member(staff, body, full_name=n, role=MemberRole.DELEGATE,
                                        represents=f"{VILLAGES[k % len(VILLAGES)]} ауылы")
                for k, n in enumerate(names[2:])]
    session = sessions.create_session(staff, body, starts_at=datetime.now(timezone.utc) + timedelta(days=11),
                                      place="Қарабұлақ ауылы, мәдениет үйі", online_link="https://meet.example.kz/bench")
    topics = [TOPICS[k % len(TOPICS)] for k in range(n_items - 1)]
    for k, topic in enumerate(topics):
        item = sessions.add_item(staff, session, title=f"{topic.titles_kk[k % len(topic.titles_kk)]} ({k + 1})",
                                 rapporteur=RAPPORTEURS[k % len(RAPPORTEURS)][0])
        if materials_every and k % materials_every == 0:
            sessions.add_material(staff, item, title=f"Шешім жобасы: {item.title}", data=PDF_BYTES,
                                  filename=f"joba-{k + 1}.pdf")
    sessions.announce(staff, session)
    for member in members:
        running.register(staff, session, member)
    guests = [running.add_participant(staff, session, full_name=person(rng), organisation=org, role="шақырылған")
              for org, _ru in PARTICIPANTS[:3]]
    running.open_session(staff, session)
    n = len(members)
    running.elect(staff, session, capacity="chair", candidate=members[0], for_votes=n, against=0, abstained=0)
    running.elect(staff, session, capacity="secretary", candidate=members[1], for_votes=n - 1, against=0, abstained=1)
    running.approve_agenda(staff, session, for_votes=n - 2, against=1, abstained=1)
    agenda = sorted(session.items, key=lambda i: i.position)
    tie_index = len(agenda) - 1
    for k, item in enumerate(agenda):
        topic = None if item.is_progress_report else topics[item.position - 2]
        speakers = rng.sample(members[2:], min(2, n - 2))
        for speaker in speakers:
            summary = PROGRESS_SPEECH_KK if topic is None else rng.choice(topic.speeches_kk)
            running.add_speech(staff, session, item, member=speaker, summary=summary)
        if k % 2 == 1:
            running.add_speech(staff, session, item, participant=guests[k % len(guests)],
                               summary=PROGRESS_SPEECH_KK if topic is None else rng.choice(topic.speeches_ru))
        motion = "Ақпарат назарға алынсын" if topic is None else topic.motions_kk[k % len(topic.motions_kk)]
        if k == tie_index and n % 2 == 0:
            # A tie decided by the chair's vote (001 App. 2 §12).
            running.record_vote(staff, session, item=item, motion=motion, chair_vote="for",
                                roll_call={m.id: ("for" if j % 2 == 0 else "against") for j, m in enumerate(members)})
        elif roll_call_every and k % roll_call_every == 0:
            running.record_vote(staff, session, item=item, motion=motion,
                                roll_call={m.id: ("for" if rng.random() < 0.8 else rng.choice(("against", "abstain")))
                                           for m in members})
        else:
            against, abstained = rng.randint(0, n // 10), rng.randint(0, n // 10)
            running.record_vote(staff, session, item=item, motion=motion, for_votes=n - against - abstained,
                                against=against, abstained=abstained)
    running.close_session(staff, session)
    protocol = protocols.draft(staff, session)
    digest = protocols.text_sha256(protocol.text)
    protocols.sign(chair_user, protocol, digest)
    protocols.sign(secretary_user, protocol, digest)
    protocols.publish(staff, protocol)
    # Dated back, like tests/councils/public_helpers.move_to_past.
    day = date.today() - timedelta(days=days_ago)
    session.starts_at = at_local(day, 15)
    session.announced_at = at_local(day - timedelta(days=12), 10)
    session.materials_at = at_local(day - timedelta(days=7), 10) if session.materials_at else None
    session.opened_at, session.closed_at = at_local(day, 15), at_local(day, 18)
    for row in session.attendance:
        row.registered_at = at_local(day, 14, 30)
    protocol.published_at = protocol.sent_to_akim_at = at_local(day + timedelta(days=1), 11)
    db.session.commit()
    return session.id, protocol.id


def build(n_protocols: int, seed: int, analyze: bool = True):
    """Schema from the migrations, the archive in bulk, the two sessions through the services."""
    from flask_migrate import upgrade

    from civic import create_app
    from civic.accounts.models import RoleAssignment, User
    from civic.communities.models import RoleKind, Territory
    from civic.core.database import utcnow
    from civic.extensions import db

    setup = Setup()
    app = create_app()
    rng = random.Random(seed)
    with app.app_context():
        t0 = time.perf_counter()
        upgrade()
        setup.timings["flask db upgrade, s"] = time.perf_counter() - t0
        build_archive(n_protocols, rng, setup)
        setup.timings["index_protocol × all, s"] = index_archive()

        t0 = time.perf_counter()
        territory = db.session.scalar(db.select(Territory).where(Territory.slug == "bench-1"))
        now = utcnow()
        staff, chair_user, secretary_user = [
            User(email=f"{who}@ortaq-bench.kz", surname=surname, given_name=given, password_hash="!bench",
                 confirmed_at=now)
            for who, surname, given in (("staff", "Сейітова", "Гүлнар"), ("chair", "Төрағаев", "Серік"),
                                        ("secretary", "Хатшыбаева", "Әсел"))]
        db.session.add_all([staff, chair_user, secretary_user])
        db.session.flush()
        db.session.add(RoleAssignment(user_id=staff.id, territory_id=territory.id, kind=RoleKind.STAFF))
        db.session.flush()
        common = dict(staff=staff, chair_user=chair_user, secretary_user=secretary_user, territory=territory)
        setup.large_session_id, setup.large_protocol_id = run_session_through_services(
            rng, name="Қарабұлақ ауылдық округінің кеңейтілген жиналысы (бенч)", n_members=LARGE_MEMBERS,
            n_items=LARGE_ITEMS, days_ago=3, materials_every=4, roll_call_every=5, **common)
        setup.small_session_id, _ = run_session_through_services(
            rng, name="Қарабұлақ ауылдық округінің шағын жиналысы (бенч)", n_members=5, n_items=4, days_ago=4,
            materials_every=2, roll_call_every=3, **common)
        setup.timings["two sessions through the services, s"] = time.perf_counter() - t0
        setup.sessions += 2
        setup.protocols += 2
        setup.protocol_rows += 2
        if analyze and db.engine.dialect.name == "postgresql":
            # A database that has lived for years has planner statistics; autovacuum would gather
            # them after a load like this one, but it may be off (it is on the machine of the
            # figures in bench/README.md), and without them the search plans go wrong (see there).
            t0 = time.perf_counter()
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
            setup.timings["ANALYZE, s"] = time.perf_counter() - t0
        dispose(db)
    return app, setup


# --------------------------------------------------------------------------- measuring

class StatementLog:
    """Counts and times the SQL statements sent while ``active`` (before/after_cursor_execute)."""

    def __init__(self):
        self.active = False
        self.statements: list[tuple[str, float]] = []
        self._started: list[float] = []

    def before(self, conn, cursor, statement, parameters, context, executemany):
        if self.active:
            self._started.append(time.perf_counter())

    def after(self, conn, cursor, statement, parameters, context, executemany):
        if self.active and self._started:
            self.statements.append((statement, time.perf_counter() - self._started.pop()))

    def attach(self, engine):
        from sqlalchemy import event
        event.listen(engine, "before_cursor_execute", self.before)
        event.listen(engine, "after_cursor_execute", self.after)

    def detach(self, engine):
        from sqlalchemy import event
        event.remove(engine, "before_cursor_execute", self.before)
        event.remove(engine, "after_cursor_execute", self.after)


@dataclass
class PageResult:
    label: str
    path: str
    times: list = field(default_factory=list)        # seconds per request
    db_times: list = field(default_factory=list)     # seconds in the database per request
    counts: list = field(default_factory=list)       # statements per request
    slowest: dict = field(default_factory=dict)      # statement → list of seconds
    statements: list = field(default_factory=list)   # the statements of the first timed request
    size: int = 0
    matches: int | None = None
    problems: list = field(default_factory=list)

    def ms(self, p: float) -> float:
        return percentile(self.times, p) * 1000

    @property
    def statements_text(self) -> str:
        lo, hi = min(self.counts), max(self.counts)
        return str(lo) if lo == hi else f"{lo}–{hi}"

    def slowest_statement(self) -> tuple[str, float]:
        statement, times = max(self.slowest.items(), key=lambda kv: statistics.median(kv[1]))
        return statement, statistics.median(times)


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _normalise(statement: str) -> str:
    return re.sub(r"\s+", " ", statement).strip()


def measure(app, log: StatementLog, label: str, path: str, query: dict | None, args, check) -> PageResult:
    client = app.test_client()
    result = PageResult(label, path + (f"?q={query['q']}" if query else ""))
    headers = {"Accept-Language": "kk", "User-Agent": "ortaq-bench/1.0"}
    started = None
    page_started = time.perf_counter()
    for n in range(WARMUP + args.requests):
        if started is None and n == WARMUP:
            started = time.perf_counter()
        if started is not None and len(result.times) >= MIN_REQUESTS and \
                time.perf_counter() - started > args.page_seconds:
            break        # a very slow page: fewer requests, said in the table (column n)
        log.statements = []
        log.active = True
        t0 = time.perf_counter()
        response = client.get(path, query_string=query, headers=headers)
        body = response.get_data(as_text=True)
        elapsed = time.perf_counter() - t0
        log.active = False
        if response.status_code != 200:
            result.problems.append(f"{result.path}: status {response.status_code}")
            break
        if n == 0:
            if path == "/protocols":
                result.matches = status_total(body)
            problem = check(body, result)
            if problem:
                result.problems.append(f"{result.path}: {problem}")
        if n < WARMUP:
            continue
        result.times.append(elapsed)
        result.counts.append(len(log.statements))
        result.db_times.append(sum(t for _s, t in log.statements))
        for statement, seconds in log.statements:
            result.slowest.setdefault(_normalise(statement), []).append(seconds)
        if n == WARMUP:
            result.statements = [(_normalise(s), t) for s, t in log.statements]
            result.size = len(response.data)
    print(f"    {label}: {len(result.times)} requests in {time.perf_counter() - page_started:.1f} s", flush=True)
    return result


def status_total(body: str) -> int | None:
    """The number in the archive's status line ("… 1 463 хаттама табылды.")."""
    status = re.search(r'id="protocol-results">\s*<p[^>]*role="status"[^>]*>(.*?)</p>', body, re.DOTALL)
    number = re.search(r"\d[\d\s\u00a0\u202f]*", re.sub(r"«.*?»|“.*?”", "", status.group(1))) if status else None
    return int(re.sub(r"\D", "", number.group(0))) if number else None


def run_pages(app, setup: Setup, args) -> list[PageResult]:
    from civic.extensions import db

    log = StatementLog()
    with app.app_context():
        engines = list(db.engines.values())
        for engine in engines:
            engine.dispose()
            log.attach(engine)
    results = []
    try:
        for label, q in SEARCHES:
            def check(body, r, q=q):
                if r.matches is None:
                    return "no number of matches on the page"
                if q == "космодром":
                    return f"{r.matches} matches for a word that is in no protocol" if r.matches else None
                if not r.matches:
                    return "no match"
                return None if "<mark>" in body else "no highlighted snippet"
            results.append(measure(app, log, label, "/protocols", {"q": q}, args, check))

        def archive_check(body, r):
            if r.matches != setup.protocols:
                return f"{r.matches} published protocols counted, expected {setup.protocols}"
            return None if body.count('class="result"') == 20 else "not 20 protocols on the page"
        results.append(measure(app, log, "archive, no query (newest first)", "/protocols", None, args, archive_check))
        results.append(measure(app, log, "sessions list, first page", "/sessions", None, args,
                               lambda body, _r: None if "bench" in body else "no session listed"))

        def large_check(body, _r):
            items = body.count('class="agenda-item')
            present = re.search(r'<ol class="names">(.*?)</ol>', body, re.S)
            present = present.group(1).count("<li>") if present else 0
            if items != LARGE_ITEMS:
                return f"{items} agenda items shown, expected {LARGE_ITEMS}"
            if present != LARGE_MEMBERS:
                return f"{present} members present shown, expected {LARGE_MEMBERS}"
            return None
        results.append(measure(app, log, f"session: {LARGE_ITEMS} items, {LARGE_MEMBERS} members",
                               f"/sessions/{setup.large_session_id}", None, args, large_check))
        results.append(measure(app, log, "session: 4 items, 5 members (control)",
                               f"/sessions/{setup.small_session_id}", None, args,
                               lambda body, _r: None if body.count('class="agenda-item') == 4 else "not 4 items"))
        results.append(measure(app, log, "protocol page (a typical one)",
                               f"/protocols/{setup.typical_protocol_id}", None, args,
                               lambda body, _r: None if "protocol-text" in body else "no protocol text"))
        results.append(measure(app, log, "protocol page (the large session's)",
                               f"/protocols/{setup.large_protocol_id}", None, args,
                               lambda body, _r: None if "protocol-text" in body else "no protocol text"))
    finally:
        with app.app_context():
            for engine in engines:
                log.detach(engine)
            dispose(db)
    return results


# --------------------------------------------------------------------------- one database

@dataclass
class Result:
    db: str
    setup: Setup
    pages: list
    total_s: float
    problems: list


def run_one(kind: str, args) -> Result:
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix=f"ortaq-bench-councils-{kind}-"))
    env = app_env(kind, workdir / "instance", PG_BENCH_DB)
    recreate_s = None
    if kind == "postgresql":
        t0 = time.perf_counter()
        recreate_pg_database(PG_BENCH_DB)
        recreate_s = time.perf_counter() - t0
    print(f"[{kind}] set-up: {args.protocols} published protocols …", flush=True)
    if recreate_s is not None:
        print(f"    DROP + CREATE DATABASE {PG_BENCH_DB}, s: {recreate_s:.1f}", flush=True)
    with patched_environ(env):
        app, setup = build(args.protocols, args.seed, analyze=not args.no_analyze)
        for name, seconds in setup.timings.items():
            print(f"    {name}: {seconds:.1f}", flush=True)
        print(f"[{kind}] measuring: {WARMUP} warm-up + {args.requests} requests per page "
              f"(fewer, at least {MIN_REQUESTS}, when a page takes over {args.page_seconds:.0f} s) …", flush=True)
        pages = run_pages(app, setup, args)
    problems = [p for r in pages for p in r.problems]
    if args.show_sql:
        for r in pages:
            print(f"\n[{kind}] {r.label}: {len(r.statements)} statements")
            for statement, seconds in r.statements:
                print(f"   {seconds * 1000:7.1f} ms  {statement[:300]}")
    if args.keep or problems:
        print(f"[{kind}] kept {workdir}", flush=True)
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return Result(kind, setup, pages, time.perf_counter() - started, problems)


def report(results: list[Result]) -> None:
    for res in results:
        s = res.setup
        print(f"\n[{res.db}] {s.protocols} published protocols ({s.protocol_rows} versions), {s.sessions} sessions, "
              f"{s.bodies + 2} bodies; set-up {sum(s.timings.values()):.0f} s, run {res.total_s:.0f} s")
        rows = [("page", "matches", "n", "median ms", "p95 ms", "statements", "DB ms (median)", "KB",
                 "slowest statement (median ms)")]
        for r in res.pages:
            if not r.times:
                rows.append((r.label, "", "0", "FAILED", "", "", "", "", ""))
                continue
            statement, seconds = r.slowest_statement()
            rows.append((r.label, "" if r.matches is None else str(r.matches), str(len(r.times)),
                         f"{r.ms(50):.0f}", f"{r.ms(95):.0f}",
                         r.statements_text, f"{statistics.median(r.db_times) * 1000:.0f}", f"{r.size / 1024:.0f}",
                         f"{seconds * 1000:.1f}: {statement[:70]}"))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for n, row in enumerate(rows):
            print("  ".join(c.ljust(w) if i in (0, 8) else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
            if n == 0:
                print("  ".join("-" * w for w in widths))
    load = os.getloadavg()
    print(f"\n{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
          f"Python {sys.version.split()[0]}; in-process Flask test client")
    for res in results:
        for p in res.problems:
            print(f"[{res.db}] PROBLEM: {p}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--protocols", type=int, default=10_000, help="published protocols in the archive")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page (after 1 warm-up)")
    parser.add_argument("--page-seconds", type=float, default=15.0,
                        help="stop timing a page after this many seconds once it has 3 requests (default 15)")
    parser.add_argument("--no-analyze", action="store_true",
                        help="PostgreSQL: skip the ANALYZE after the bulk load (planner without statistics)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--show-sql", action="store_true", help="print the statements of one request per page")
    parser.add_argument("--keep", action="store_true", help="keep the temporary instance folder")
    args = parser.parse_args(argv)
    if args.protocols < 200 or args.requests < 1:
        parser.error("need at least 200 protocols and 1 request")
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    results = [run_one(kind, args) for kind in kinds]
    report(results)
    return 1 if any(r.problems for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
