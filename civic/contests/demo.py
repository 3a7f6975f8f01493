"""Demo contests for the demo community: one in implementation, one open for voting.

Synthetic data only; ballots go through the same services as real ones.
"""
from __future__ import annotations

import random
from datetime import timedelta

from civic.contests import ballots, projects, services
from civic.contests.models import BallotKind, Category, Phase, TallyRule, WorkStatus
from civic.core.database import utcnow

FINISHED = [
    ("Мектеп жанындағы саябаққа ағаш отырғызу", Category.GREENING, 4_200_000, "Абай көшесі, мектеп ауласы"),
    ("Балалар ойын алаңы", Category.PLAYGROUND, 9_800_000, "Достық көшесі, 14 үйдің жанында"),
    ("Мини-футбол алаңы", Category.SPORTS, 14_500_000, "Жастар көшесі, стадион"),
    ("Орталық алаңға орындықтар мен жарық", Category.SQUARE, 6_300_000, "Ауыл орталығы"),
    ("Көктерек ауылындағы шағын саябақ", Category.PARK, 11_000_000, "Көктерек ауылы, клуб жанында"),
    ("Көшелерге гүл егу", Category.GREENING, 2_100_000, "Бейбітшілік көшесі"),
    ("Жаттығу құралдары (воркаут)", Category.SPORTS, 3_900_000, "Мектеп стадионы"),
]
OPEN = [
    ("Аулаға арналған балалар алаңы", Category.PLAYGROUND, 7_500_000, "Жаңатұрмыс ауылы, Мектеп көшесі"),
    ("Өзен жағасындағы серуен жолы", Category.PARK, 12_000_000, "Қарабұлақ өзенінің жағасы"),
    ("Спорт алаңын жабдықтау", Category.SPORTS, 5_600_000, "Көктерек ауылы"),
    ("Ауыл кіреберісіне көшет отырғызу", Category.GREENING, 1_800_000, "Алматы тас жолы жағы"),
    ("Аялдама жанындағы шағын алаң", Category.SQUARE, 3_200_000, "Орталық аялдама"),
    ("Кітапхана ауласын абаттандыру", Category.SQUARE, 4_400_000, "Кітапхана, Абай көшесі 5"),
]
DESCRIPTION = ("Жоба ауыл тұрғындарының ұсынысы бойынша дайындалды.\n\n"
               "* кім үшін: балалар мен ересектер;\n* не істеледі: абаттандыру және жабдықтау;\n"
               "* неге маңызды: ортақ кеңістік жайлы әрі қауіпсіз болады.")


def _propose_all(author, contest, items):
    made = []
    for title, category, cost, where in items:
        made.append(projects.propose(author, contest, title=title, description=DESCRIPTION, category=category,
                                     address=where, estimated_cost=cost))
    return made


def build(staff, residents, register_iins, territory, rng: random.Random) -> None:
    today = utcnow().date()
    # 1. A finished contest whose winners are being built.
    done = services.create_contest(
        staff, territory, title="Жасыл әрі жайлы ауыл — 2026",
        description="Қарабұлақ ауылдық округінің бірінші жобалар конкурсы. Тұрғындар ауылды абаттандыру "
                    "жобаларын ұсынып, дауыс берді.",
        categories=list(Category), funding=[("budget", 30_000_000, "Ауылдық округ бюджеті, 2026"),
                                            ("voluntary", 2_000_000, "Кәсіпкерлердің ерікті жарналары")],
        ballot_kind=BallotKind.APPROVAL, max_choices=3, min_choices=1, tally_rule=TallyRule.GREEDY,
        proposals_from=today - timedelta(days=200), proposals_until=today - timedelta(days=170),
        review_until=today - timedelta(days=150), voting_from=today - timedelta(days=149),
        voting_until=today - timedelta(days=120), implementation_until=today + timedelta(days=60))
    services.advance_phase(staff, done)
    made = _propose_all(residents[0], done, FINISHED)
    not_feasible = projects.propose(residents[1], done, title="Жасанды көл қазу", description=DESCRIPTION,
                                    category=Category.PARK, address="Ауыл шеті", estimated_cost=28_000_000)
    services.advance_phase(staff, done)
    for project in made:
        projects.review(staff, project, feasible=True, reason="Жер учаскесі бар, смета тексерілді.",
                        final_cost=project.estimated_cost)
    projects.review(staff, not_feasible, feasible=False,
                    reason="Учаске су қорғау аймағында орналасқан; мұндай жұмысқа рұқсат берілмейді.",
                    final_cost=None)
    services.advance_phase(staff, done)
    weights = [9, 7, 5, 4, 3, 2, 2]
    for iin in register_iins[:48]:
        picks = set()
        while len(picks) < rng.randint(1, 3):
            picks.add(rng.choices(made, weights=weights)[0].id)
        ballots.cast_paper(staff, done, iin, sorted(picks))
    services.advance_phase(staff, done)       # results: counted
    services.advance_phase(staff, done)       # implementation
    funded = [p for p in made if p.funded]
    for n, project in enumerate(funded):
        status = [WorkStatus.DONE, WorkStatus.IN_PROGRESS, WorkStatus.CONTRACTED][n % 3]
        pct = {WorkStatus.DONE: 100, WorkStatus.IN_PROGRESS: 55, WorkStatus.CONTRACTED: 0}[status]
        projects.report_progress(staff, project, happened_on=today - timedelta(days=10 + n), status=status,
                                 progress_pct=pct, money_spent=project.cost * pct // 100,
                                 text="Мердігермен шарт жасалды; жұмыс кестесі бойынша жүріп жатыр.")

    # 2. An open contest: residents vote now (resident1 has not voted yet).
    live = services.create_contest(
        staff, territory, title="Ортақ аула — 2027",
        description="Екінші конкурс. Жеңімпаздар **тең үлестер әдісімен** анықталады: бюджет дауыс берушілерге "
                    "тең бөлінеді, жобаны оны қолдағандардың үлестері жеткенде қаржыландырады.",
        categories=[Category.GREENING, Category.PARK, Category.SQUARE, Category.SPORTS, Category.PLAYGROUND],
        funding=[("budget", 18_000_000, "Ауылдық округ бюджеті, 2027"), ("sponsorship", 2_000_000, "Демеушілер")],
        ballot_kind=BallotKind.APPROVAL, max_choices=3, min_choices=1, tally_rule=TallyRule.MES,
        completion="add1-greedy", allow_change=True,
        proposals_from=today - timedelta(days=40), proposals_until=today - timedelta(days=20),
        review_until=today - timedelta(days=5), voting_from=today - timedelta(days=4),
        voting_until=today + timedelta(days=10), implementation_until=today + timedelta(days=300))
    services.advance_phase(staff, live)
    offered = _propose_all(residents[2], live, OPEN)
    services.advance_phase(staff, live)
    for project in offered:
        projects.review(staff, project, feasible=True, reason="Техникалық тұрғыдан орындауға болады.",
                        final_cost=project.estimated_cost)
    services.advance_phase(staff, live)
    for resident in residents[1:8]:
        picks = sorted({rng.choice(offered).id for _ in range(3)})
        ballots.cast_online(resident, live, picks)
    for iin in register_iins[20:40]:
        ballots.cast_paper(staff, live, iin, sorted({rng.choice(offered).id for _ in range(2)}))
    assert live.phase == Phase.VOTING
