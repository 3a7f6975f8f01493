"""Projects: proposals by residents, review by the akimat, photos, implementation."""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale, gettext as _, lazy_gettext as _l

from civic.contests.models import (
    Category, Contest, ImplementationUpdate, Phase, Photo, Project, ProjectStatus, WorkStatus,
)
from civic.contests.services import community_today
from civic.core import audit
from civic.core.database import utcnow
from civic.core.errors import DomainError, NotAllowed
from civic.core.images import StoredImage, delete_image, store_image
from civic.core.mail import send_mail
from civic.extensions import db

MAX_PHOTOS = 5


def _check_fields(contest: Contest, *, title, description, category, address, cost, latitude, longitude):
    if not (title or "").strip():
        raise DomainError(_l("The project needs a title."), field="title")
    if not (description or "").strip():
        raise DomainError(_l("Describe the project."), field="description")
    if category not in contest.category_list:
        raise DomainError(_l("This contest does not accept projects of this category."), field="category")
    if not (address or "").strip():
        raise DomainError(_l("Say where the project would be."), field="address")
    if not isinstance(cost, int) or isinstance(cost, bool) or cost <= 0:
        raise DomainError(_l("The cost must be a whole number of tenge greater than zero."), field="estimated_cost")
    if cost > contest.budget:
        raise DomainError(_l("The cost is larger than the whole budget of the contest (%(budget)s ₸).",
                             budget=f"{contest.budget:,}".replace(",", " ")), field="estimated_cost")
    if (latitude is None) != (longitude is None):
        raise DomainError(_l("Give both latitude and longitude, or neither."), field="latitude")
    if latitude is not None and not (40.0 <= latitude <= 56.0 and 46.0 <= longitude <= 88.0):
        raise DomainError(_l("This point is not in Kazakhstan."), field="latitude")


def propose(actor, contest: Contest, *, title, description, category: Category, address,
            estimated_cost: int, latitude=None, longitude=None) -> Project:
    if contest.phase != Phase.PROPOSALS:
        raise DomainError(_l("Projects can be proposed only while the contest accepts proposals."))
    if not contest.can_propose(actor):
        raise NotAllowed(_l("Only verified residents of this community may propose projects."))
    _check_fields(contest, title=title, description=description, category=category, address=address,
                  cost=estimated_cost, latitude=latitude, longitude=longitude)
    project = Project(contest=contest, author_id=actor.id, title=title.strip(), description=description.strip(),
                      category=category, address=address.strip(), estimated_cost=estimated_cost,
                      latitude=latitude, longitude=longitude)
    db.session.add(project)
    db.session.flush()
    audit.record("project.proposed", actor=actor, obj=project, contest=contest.id, cost=estimated_cost)
    return project


def edit(actor, project: Project, *, title, description, category: Category, address, estimated_cost: int,
         latitude=None, longitude=None) -> Project:
    if not project.can_edit(actor):
        raise NotAllowed(_l("This project can no longer be edited: its review has started."))
    _check_fields(project.contest, title=title, description=description, category=category, address=address,
                  cost=estimated_cost, latitude=latitude, longitude=longitude)
    project.title, project.description, project.category = title.strip(), description.strip(), category
    project.address, project.estimated_cost = address.strip(), estimated_cost
    project.latitude, project.longitude = latitude, longitude
    project.updated_at = utcnow()
    audit.record("project.edited", actor=actor, obj=project, cost=estimated_cost)
    return project


def add_photo(actor, project: Project, data: bytes, alt_text: str = "") -> Photo:
    if not project.can_edit(actor):
        raise NotAllowed(_l("This project can no longer be edited: its review has started."))
    if len(project.photos) >= MAX_PHOTOS:
        raise DomainError(_l("A project can have at most %(n)d photos.", n=MAX_PHOTOS), field="photo")
    stored: StoredImage = store_image(data)
    photo = Photo(project_id=project.id, stored_name=stored.name, thumb_name=stored.thumb, width=stored.width,
                  height=stored.height, size_bytes=stored.size, alt_text=(alt_text or project.title)[:200])
    db.session.add(photo)
    project.photos.append(photo)
    db.session.flush()
    return photo


def remove_photo(actor, photo: Photo) -> None:
    if not photo.project.can_edit(actor):
        raise NotAllowed(_l("This project can no longer be edited: its review has started."))
    names = (photo.stored_name, photo.thumb_name)
    db.session.delete(photo)
    db.session.flush()
    delete_image(*names)


def _tell_author(project: Project) -> None:
    author = project.author
    if author is None:
        return
    with force_locale(author.locale):
        if project.status == ProjectStatus.FEASIBLE:
            verdict = _("Your project is found feasible and will be on the ballot. Final cost: %(cost)s ₸.",
                        cost=f"{project.cost:,}".replace(",", " "))
        elif project.status == ProjectStatus.MERGED:
            verdict = _("Your project is merged with a similar one: “%(other)s”.",
                        other=project.merged_into.title if project.merged_into else "")
        else:
            verdict = _("Your project is found not feasible.")
        body = _("Hello, %(name)s!\n\nThe akimat has reviewed your project “%(title)s”.\n%(verdict)s\n"
                 "Reason: %(reason)s\n", name=author.given_name, title=project.title, verdict=verdict,
                 reason=project.review_reason)
        send_mail(author.email, _("The review of your project “%(title)s”", title=project.title), body)


def review(actor, project: Project, *, feasible: bool, reason: str, final_cost: int | None) -> Project:
    contest = project.contest
    if not contest.can_manage(actor):
        raise NotAllowed(_l("Only akimat staff of this community may review projects."))
    if contest.phase != Phase.REVIEW:
        raise DomainError(_l("Projects are reviewed during the review phase."))
    if not (reason or "").strip():
        raise DomainError(_l("Give the reason; it is shown publicly."), field="reason")
    if feasible:
        cost = final_cost if final_cost is not None else project.estimated_cost
        if not isinstance(cost, int) or cost <= 0:
            raise DomainError(_l("The cost must be a whole number of tenge greater than zero."), field="final_cost")
        if cost > contest.budget:
            raise DomainError(_l("The cost is larger than the whole budget of the contest (%(budget)s ₸).",
                                 budget=f"{contest.budget:,}".replace(",", " ")), field="final_cost")
        project.final_cost = cost
    project.status = ProjectStatus.FEASIBLE if feasible else ProjectStatus.NOT_FEASIBLE
    project.merged_into = None   # a new verdict replaces an earlier merge
    project.review_reason = reason.strip()
    project.reviewed_at = utcnow()
    audit.record("project.reviewed", actor=actor, obj=project, feasible=feasible, cost=project.final_cost)
    _tell_author(project)
    return project


def merge(actor, duplicate: Project, into: Project, reason: str) -> Project:
    contest = duplicate.contest
    if not contest.can_manage(actor):
        raise NotAllowed(_l("Only akimat staff of this community may review projects."))
    if contest.phase != Phase.REVIEW:
        raise DomainError(_l("Projects are reviewed during the review phase."))
    if into.contest_id != contest.id or into.id == duplicate.id or into.status == ProjectStatus.MERGED:
        raise DomainError(_l("Choose another project of the same contest to merge into."), field="into")
    if not (reason or "").strip():
        raise DomainError(_l("Give the reason; it is shown publicly."), field="reason")
    duplicate.status = ProjectStatus.MERGED
    duplicate.merged_into = into
    duplicate.review_reason = reason.strip()
    duplicate.reviewed_at = utcnow()
    audit.record("project.merged", actor=actor, obj=duplicate, into=into.id)
    _tell_author(duplicate)
    return duplicate


def report_progress(actor, project: Project, *, happened_on, status: WorkStatus, progress_pct: int,
                    money_spent: int, text: str, photos: list[bytes] = ()) -> ImplementationUpdate:
    contest = project.contest
    if not contest.can_manage(actor):
        raise NotAllowed(_l("Only akimat staff of this community may report on the works."))
    if contest.phase not in (Phase.IMPLEMENTATION, Phase.CLOSED) or not project.funded:
        raise DomainError(_l("Progress is reported for funded projects once implementation has started."))
    if not isinstance(progress_pct, int) or not 0 <= progress_pct <= 100:
        raise DomainError(_l("Progress is a percentage from 0 to 100."), field="progress_pct")
    if not isinstance(money_spent, int) or money_spent < 0:
        raise DomainError(_l("The money spent must be a whole, non-negative number of tenge."), field="money_spent")
    if status == WorkStatus.DONE and progress_pct != 100:
        raise DomainError(_l("A finished project must be 100 percent done."), field="progress_pct")
    if len(photos) > MAX_PHOTOS:
        raise DomainError(_l("A project can have at most %(n)d photos.", n=MAX_PHOTOS), field="photos")
    today = community_today(contest)
    if happened_on > today:
        raise DomainError(_l("The date cannot be in the future."), field="happened_on")
    update = ImplementationUpdate(project=project, author_id=actor.id, happened_on=happened_on, status=status,
                                  progress_pct=progress_pct, money_spent=money_spent, text=(text or "").strip())
    db.session.add(update)
    db.session.flush()
    for data in photos:
        stored = store_image(data)
        db.session.add(Photo(project_id=project.id, update_id=update.id, stored_name=stored.name,
                             thumb_name=stored.thumb, width=stored.width, height=stored.height,
                             size_bytes=stored.size, alt_text=project.title[:200]))
    latest = max(project.updates, key=lambda u: (u.happened_on, u.id or 0))
    project.work_status, project.progress_pct, project.money_spent = latest.status, latest.progress_pct, latest.money_spent
    audit.record("project.progress", actor=actor, obj=project, status=status.value, pct=progress_pct,
                 spent=money_spent)
    current_app.logger.info("progress on project %s", project.id)
    return update
