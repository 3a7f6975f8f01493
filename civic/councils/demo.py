"""Demo council data: a community meeting with a held, signed and published session,
decisions in execution (one overdue) and an announced upcoming session.

Sessions are run through the same services as real ones; the held session is then
dated in the past (the services refuse to create sessions in the past)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from civic.councils import bodies, decisions, protocols, running, sessions
from civic.councils.models import MemberRole
from civic.councils.record_models import Decision
from civic.councils.rules import BodyKind
from civic.core.database import utcnow
from civic.extensions import db

MEMBER_NAMES = ["Сейітов Нұрлан Асқарұлы", "Қасымова Динара Ерланқызы", "Төлеуов Самат Бауыржанұлы",
                "Ахметова Сәуле Талғатқызы", "Ермеков Ержан Миразұлы", "Мұратова Жанар Арманқызы",
                "Үсенов Дәурен Нұрланұлы"]


def _at(day: date, hour: int) -> datetime:
    # 15:00 in Almaty (UTC+5) is 10:00 UTC.
    return datetime.combine(day, time(hour - 5, 0), tzinfo=timezone.utc)


def build(staff, chair_user, secretary_user, akim_user, territory) -> None:
    today = utcnow().date()
    meeting = bodies.create_body(staff, territory, kind=BodyKind.MEETING,
                                 name="Қарабұлақ ауылдық округінің жергілікті қоғамдастық жиналысы")
    chair = bodies.add_member(staff, meeting, full_name=f"{chair_user.surname} {chair_user.given_name} {chair_user.patronymic}".strip(),
                              role=MemberRole.CHAIR, user=chair_user, represents="Қарабұлақ ауылы")
    secretary = bodies.add_member(staff, meeting, full_name=f"{secretary_user.surname} {secretary_user.given_name} {secretary_user.patronymic}".strip(),
                                  role=MemberRole.SECRETARY, user=secretary_user, represents="Көктерек ауылы")
    others = [bodies.add_member(staff, meeting, full_name=name, role=MemberRole.DELEGATE,
                                represents=["Қарабұлақ ауылы", "Көктерек ауылы", "Жаңатұрмыс ауылы"][n % 3])
              for n, name in enumerate(MEMBER_NAMES)]
    members = [chair, secretary] + others

    # A session held six weeks ago.
    held = sessions.create_session(staff, meeting, starts_at=utcnow() + timedelta(days=11), place="Қарабұлақ ауылдық клубы")
    pasture = sessions.add_item(staff, held, title="Жайылымдарды пайдалану қағидалары туралы", rapporteur="Әкім аппаратының бас маманы")
    lights = sessions.add_item(staff, held, title="Көше жарығын жөндеу туралы", rapporteur="Әкім аппаратының маманы")
    sessions.announce(staff, held)
    # Date the session six weeks back before it runs, so its record and protocol carry that date.
    past = today - timedelta(days=42)
    held.starts_at = _at(past, 15)
    held.announced_at = held.materials_at = _at(past - timedelta(days=12), 10)
    for member in members[:8]:
        running.register(staff, held, member)
    running.add_participant(staff, held, full_name="Жұмабаев Асқар Ерланұлы", organisation="Ауылдық округ әкімі",
                            role="шақырылған")
    running.open_session(staff, held)
    running.elect(staff, held, capacity="chair", candidate=chair, for_votes=8, against=0, abstained=0)
    running.elect(staff, held, capacity="secretary", candidate=secretary, for_votes=8, against=0, abstained=0)
    running.approve_agenda(staff, held, for_votes=7, against=0, abstained=1)
    running.add_speech(staff, held, pasture, member=others[0], summary="Жайылым кестесін ауылдар бойынша бөлуді ұсынды.")
    running.add_speech(staff, held, pasture, member=others[1], summary="Мал айдау жолдарын белгілеу керектігін айтты.")
    running.record_vote(staff, held, item=pasture, motion="Жайылымдарды пайдалану кестесін бекіту",
                        for_votes=6, against=1, abstained=1)
    # A tie decided by the chair's vote (001 App. 2 §12).
    running.record_vote(staff, held, item=lights, motion="Көше жарығын 2026 жылдың желтоқсанына дейін жөндеу",
                        roll_call={m.id: ("for" if n % 2 == 0 else "against") for n, m in enumerate(members[:8])},
                        chair_vote="for")
    running.close_session(staff, held)
    protocol = protocols.draft(staff, held)
    digest = protocols.text_sha256(protocol.text)
    protocols.sign(chair_user, protocol, digest)
    protocols.sign(secretary_user, protocol, digest)
    protocols.publish(staff, protocol)
    held.opened_at, held.closed_at = _at(past, 15), _at(past, 17)
    for row in held.attendance:
        row.registered_at = _at(past, 14)
    protocol.sent_to_akim_at = protocol.published_at = _at(past + timedelta(days=1), 11)
    made = db.session.scalars(db.select(Decision).where(Decision.session_id == held.id).order_by(Decision.id)).all()
    decisions.assign(staff, made[0], executor="Әкім аппараты, жер қатынастары маманы", due_on=today + timedelta(days=30))
    decisions.assign(staff, made[1], executor="Әкім аппараты, коммуналдық шаруашылық маманы", due_on=today - timedelta(days=5))
    for decision in made:
        decisions.akim_review(akim_user, decision, agree=True, reason="Келісемін.")
    decisions.inform_members(staff, held)
    decisions.add_report(staff, made[0], text="Кесте ауылдарға жіберілді, хабарландыру ілінді.",
                         reported_on=today - timedelta(days=20), done=False)

    # An announced session in two weeks.
    upcoming = sessions.create_session(staff, meeting, starts_at=_at(today + timedelta(days=14), 15),
                                       place="Қарабұлақ ауылдық клубы")
    sessions.add_item(staff, upcoming, title="2027 жылғы ауылдық округ бюджетінің жобасы туралы",
                      rapporteur="Әкім аппаратының бас есепшісі")
    sessions.announce(staff, upcoming)
