"""Projects: proposed by verified residents during the proposals phase, checked, with photos.

Decree 003: the projects are greening territories and creating and repairing common-use
places — parks, squares, sports grounds, playgrounds and other objects.
"""
from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from PIL import ExifTags, Image

from civic.contests import projects as project_service
from civic.contests.models import Category, Phase, Photo, Project
from civic.core.audit import AuditEntry
from civic.core.errors import DomainError, NotAllowed
from civic.core.images import upload_dir
from civic.core.markup import render_markdown
from civic.extensions import db
from tests.contests.contest_helpers import (
    audit_rows, count, english, app, contest_app, fresh_request_globals, jpeg_with_gps, login, make_person, make_staff,
    make_world, png_bytes, project_values, tags, text,
)
from tests.factories import make_territory

__all__ = ["app", "contest_app", "fresh_request_globals"]


def form(**overrides) -> dict:
    data = {"title": "Аулаға арналған ойын алаңы", "description": "Әткеншек, құм салғыш, орындықтар.",
            "category": "playground", "address": "Мектеп көшесі, 12", "estimated_cost": "1 250 000"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def world(app):
    return make_world(Phase.PROPOSALS, costs=(), budget=5_000_000,
                      categories=[Category.GREENING, Category.PLAYGROUND, Category.PARK])


def uploads() -> list[str]:
    return sorted(p.name for p in upload_dir().iterdir())


# --- who proposes, and when ------------------------------------------------------------------

def test_a_verified_resident_proposes_a_project(world, client):
    login(client, world.author.user)
    assert client.get(world.url("/propose")).status_code == 200
    response = client.post(world.url("/propose"), data=form())
    assert response.status_code == 303, text(response)
    project = db.session.scalar(sa.select(Project))
    assert response.headers["Location"].endswith(f"/p/{project.id}")
    assert (project.author_id, project.estimated_cost, project.category) == (world.author.id, 1_250_000,
                                                                           Category.PLAYGROUND)
    assert project.status.value == "submitted"
    assert [e.object_id for e in audit_rows("project.proposed")] == [str(project.id)]
    page = text(client.get(response.headers["Location"]))
    assert "Аулаға арналған ойын алаңы" in page and "Мектеп көшесі, 12" in page


def test_staff_may_propose_too(world):
    project = project_service.propose(world.staff, world.contest, **project_values())
    assert project.author_id == world.staff.id


@pytest.mark.parametrize("who", ["unverified", "other_community"])
def test_only_verified_residents_of_the_community_propose(world, client, who):
    if who == "unverified":
        user = make_person(world.territory, verified=False).user
    else:
        user = make_person(make_territory()).user
    login(client, user)
    assert client.get(world.url("/propose")).status_code == 403
    assert client.post(world.url("/propose"), data=form()).status_code == 403
    with pytest.raises(NotAllowed):
        project_service.propose(user, world.contest, **project_values())
    assert count(Project) == 0


def test_anonymous_visitors_are_sent_to_sign_in(world, client):
    response = client.post(world.url("/propose"), data=form())
    assert response.status_code in (302, 303) and "/account/login" in response.headers["Location"]
    assert count(Project) == 0


def test_projects_are_proposed_only_during_the_proposals_phase(app, client):
    world = make_world(Phase.REVIEW, costs=(1_000_000,))
    login(client, world.author.user)
    response = client.post(world.url("/propose"), data=form(), follow_redirects=True)
    assert "only while the contest accepts proposals" in text(response)
    assert count(Project) == 1
    with pytest.raises(DomainError):
        project_service.propose(world.author.user, world.contest, **project_values())


# --- bad input: 422, a clear message, nothing stored -----------------------------------------

@pytest.mark.parametrize("overrides, message", [
    ({"estimated_cost": "-500000"}, "greater than zero"),
    ({"estimated_cost": "0"}, "greater than zero"),
    ({"estimated_cost": "бес миллион"}, "whole number of tenge"),
    ({"estimated_cost": "12 500,50"}, "without kopecks"),
    ({"estimated_cost": "12500.50"}, "without kopecks"),
    ({"estimated_cost": "1e6"}, "without kopecks"),
    ({"estimated_cost": "--5"}, "without kopecks"),
    ({"estimated_cost": "²"}, "without kopecks"),
    ({"estimated_cost": "9" * 30}, "too large"),
    ({"estimated_cost": ""}, "This field is required."),
    ({"estimated_cost": "5 000 001"}, "larger than the whole budget"),
    ({"title": ""}, "This field is required."),
    ({"title": "   "}, "This field is required."),
    ({"description": ""}, "This field is required."),
    ({"address": ""}, "This field is required."),
    ({"category": "sports"}, "Not a valid choice"),
    ({"category": ""}, "This field is required."),
    ({"latitude": "43.25"}, "both latitude and longitude"),
    ({"longitude": "76.95"}, "both latitude and longitude"),
    ({"latitude": "55.75", "longitude": "37.62"}, "not in Kazakhstan"),      # Moscow
    ({"latitude": "47.92", "longitude": "106.9"}, "not in Kazakhstan"),      # Ulaanbaatar
    ({"latitude": "nan", "longitude": "76.9"}, "between"),
    ({"latitude": "91", "longitude": "76.9"}, "between"),
    ({"title": "Алаң\x00\x07"}, "not allowed"),
])
def test_bad_input_is_refused_with_a_message_and_nothing_is_stored(world, client, overrides, message):
    login(client, world.author.user)
    response = client.post(world.url("/propose"), data=form(**overrides))
    assert response.status_code == 422
    assert message in text(response)
    assert count(Project) == 0
    assert audit_rows("project.proposed") == []


def test_a_point_in_kazakhstan_is_kept(world, client):
    login(client, world.author.user)
    response = client.post(world.url("/propose"), data=form(latitude="43.2567", longitude="76.9286"))
    assert response.status_code == 303
    project = db.session.scalar(sa.select(Project))
    assert (round(project.latitude, 4), round(project.longitude, 4)) == (43.2567, 76.9286)
    assert "43.25670" in text(client.get(response.headers["Location"]))


def test_the_service_refuses_a_cost_that_is_not_whole_tenge(world):
    for cost in (12_500.5, "1000", True, -1, 0, None):
        with pytest.raises(DomainError) as error:
            project_service.propose(world.author.user, world.contest, **project_values(estimated_cost=cost))
        assert error.value.field == "estimated_cost"


# --- the description is Markdown, sanitised ---------------------------------------------------

HOSTILE = (
    "Жақсы **жоба**.\n\n"
    "<script>alert('x')</script>\n\n"
    "<img src=x onerror=alert(1)>\n\n"
    "[басыңыз](javascript:alert(2)) [data](data:text/html;base64,PHNjcmlwdD4=) "
    "[vb](vbscript:msgbox) <javascript:alert(3)>\n\n"
    "<a href=\"javascript:alert(4)\" onclick=\"alert(5)\">a</a>\n\n"
    "[қауіпсіз](https://example.kz/park)\n"
)


def _assert_harmless(markup: str, page_scripts: int = 0) -> None:
    found = tags(markup)
    scripts = [attrs for tag, attrs in found if tag == "script"]
    assert len(scripts) == page_scripts and all(attrs.get("src") for attrs in scripts)
    for tag, attrs in found:
        assert not [a for a in attrs if a.lower().startswith("on")], (tag, attrs)
        for name in ("href", "src", "action", "formaction"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("javascript:", "vbscript:", "data:")), (tag, attrs)
    assert "<img src=x" not in markup and "<script>alert" not in markup


def test_markdown_is_rendered_and_sanitised():
    html = str(render_markdown(HOSTILE))
    _assert_harmless(html)
    assert "<strong>жоба</strong>" in html
    assert 'href="https://example.kz/park"' in html and "nofollow" in html


def test_a_hostile_description_never_reaches_the_page_html(world, client):
    login(client, world.author.user)
    response = client.post(world.url("/propose"), data=form(description=HOSTILE,
                                                              title="<script>alert('t')</script>Алаң"))
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    page_scripts = len(re.findall(r"<script src=", page))
    _assert_harmless(page, page_scripts)
    assert "<strong>жоба</strong>" in page
    assert "&lt;script&gt;alert(" in page                 # the title is shown as text
    listing = client.get(world.url()).get_data(as_text=True)
    _assert_harmless(listing, len(re.findall(r"<script src=", listing)))


# --- editing until review starts ---------------------------------------------------------------

def test_the_author_edits_until_review_starts(world, client):
    project = project_service.propose(world.author.user, world.contest, **project_values())
    db.session.commit()
    login(client, world.author.user)
    assert client.get(world.url(f"/p/{project.id}/edit")).status_code == 200
    response = client.post(world.url(f"/p/{project.id}/edit"), data=form(title="Жаңа атау", estimated_cost="2 000 000"))
    assert response.status_code == 303
    db.session.expire_all()
    assert (project.title, project.estimated_cost) == ("Жаңа атау", 2_000_000)
    assert len(audit_rows("project.edited")) == 1

    from civic.contests import services
    services.advance_phase(world.staff, world.contest)   # review starts
    db.session.commit()
    assert client.get(world.url(f"/p/{project.id}/edit")).status_code == 403
    assert client.post(world.url(f"/p/{project.id}/edit"), data=form(title="Тағы өзгерту")).status_code == 403
    with pytest.raises(NotAllowed):
        project_service.edit(world.author.user, project, **project_values())
    db.session.rollback()
    db.session.expire_all()
    assert project.title == "Жаңа атау"
    # Staff may still correct it during the review.
    staff = client.application.test_client()
    login(staff, world.staff)
    assert staff.post(world.url(f"/p/{project.id}/edit"), data=form(title="Түзетілді")).status_code == 303


def test_nobody_else_edits_a_residents_project(world, client):
    project = project_service.propose(world.author.user, world.contest, **project_values())
    db.session.commit()
    login(client, world.residents[0].user)
    assert client.post(world.url(f"/p/{project.id}/edit"), data=form(title="Менікі")).status_code == 403
    db.session.expire_all()
    assert project.title != "Менікі"


def test_edit_with_bad_input_keeps_the_old_values(world, client):
    project = project_service.propose(world.author.user, world.contest, **project_values(estimated_cost=900_000))
    db.session.commit()
    login(client, world.author.user)
    response = client.post(world.url(f"/p/{project.id}/edit"), data=form(estimated_cost="9 000 000"))
    assert response.status_code == 422 and "larger than the whole budget" in text(response)
    db.session.expire_all()
    assert project.estimated_cost == 900_000


def test_a_project_of_another_contest_is_not_found_under_this_one(world, client, app):
    other = make_world(Phase.PROPOSALS, costs=(1_000_000,))
    login(client, other.author.user)
    assert client.get(world.url(f"/p/{other.projects[0].id}")).status_code == 404
    assert client.post(world.url(f"/p/{other.projects[0].id}/edit"), data=form()).status_code == 404


# --- photos ----------------------------------------------------------------------------------------

def test_a_png_photo_is_reencoded_and_stored_under_a_random_name_with_a_thumbnail(world, client):
    login(client, world.author.user)
    response = client.post(world.url("/propose"), data=form(photo=(io.BytesIO(png_bytes((900, 600))), "my-yard.png")),
                           content_type="multipart/form-data")
    assert response.status_code == 303, text(response)
    photo = db.session.scalar(sa.select(Photo))
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", photo.stored_name)
    assert re.fullmatch(r"[0-9a-f]{32}\.thumb\.jpg", photo.thumb_name)
    assert "my-yard" not in photo.stored_name
    assert (photo.width, photo.height) == (900, 600)
    folder = upload_dir()
    with Image.open(folder / photo.thumb_name) as thumb:
        assert max(thumb.size) <= 480
    with Image.open(folder / photo.stored_name) as stored:
        assert stored.format == "JPEG"
    served = client.get(f"/contests/media/{photo.stored_name}")
    assert served.status_code == 200 and served.headers["Content-Security-Policy"] == "default-src 'none'"
    assert photo.thumb_name in client.get(response.headers["Location"]).get_data(as_text=True)


def test_exif_and_gps_are_removed_from_a_jpeg(world):
    data = jpeg_with_gps()
    with Image.open(io.BytesIO(data)) as original:     # the test image really carries GPS
        exif = original.getexif()
        assert exif.get_ifd(ExifTags.IFD.GPSInfo) and exif[ExifTags.Base.Model] == "TestCam 3000"
    project = project_service.propose(world.author.user, world.contest, **project_values())
    photo = project_service.add_photo(world.author.user, project, data)
    db.session.commit()
    for name in (photo.stored_name, photo.thumb_name):
        raw = (upload_dir() / name).read_bytes()
        assert b"Exif" not in raw and b"TestCam" not in raw
        with Image.open(io.BytesIO(raw)) as stored:
            assert not stored.getexif()
            assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)


def test_a_transparent_png_stays_a_png(world):
    project = project_service.propose(world.author.user, world.contest, **project_values())
    photo = project_service.add_photo(world.author.user, project, png_bytes((40, 40), (10, 20, 30), mode="RGBA"))
    assert photo.stored_name.endswith(".png")


def test_a_huge_photo_is_scaled_down(world):
    project = project_service.propose(world.author.user, world.contest, **project_values())
    photo = project_service.add_photo(world.author.user, project, png_bytes((3000, 1500)))
    assert (photo.width, photo.height) == (2000, 1000)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` x ``height`` pixels (a decompression bomb's header)."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


def test_an_image_with_too_many_pixels_is_refused_before_decoding(world):
    project = project_service.propose(world.author.user, world.contest, **project_values())
    with pytest.raises(DomainError) as error:
        project_service.add_photo(world.author.user, project, png_header_only(7000, 7000))
    assert "too many pixels" in english(error.value.message)
    assert count(Photo) == 0


@pytest.mark.parametrize("data, filename, message", [
    (b"This is plain text, not a picture.\n" * 20, "photo.jpg", "not a photo we can read"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 200, "broken.jpg", "not a photo we can read"),
    ("gif", "anim.gif", "Only JPEG, PNG and WebP"),
])
def test_a_file_that_is_not_an_accepted_image_is_refused(world, client, data, filename, message):
    if data == "gif":
        out = io.BytesIO()
        Image.new("RGB", (10, 10)).save(out, "GIF")
        data = out.getvalue()
    login(client, world.author.user)
    response = client.post(world.url("/propose"), data=form(photo=(io.BytesIO(data), filename)),
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in text(response)
    assert count(Project) == 0 and count(Photo) == 0
    assert uploads() == []


def test_at_most_five_photos(world, client):
    project = project_service.propose(world.author.user, world.contest, **project_values())
    for _ in range(5):
        project_service.add_photo(world.author.user, project, png_bytes())
    db.session.commit()
    login(client, world.author.user)
    response = client.post(world.url(f"/p/{project.id}/edit"), data=form(photo=(io.BytesIO(png_bytes()), "6.png")),
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "at most 5 photos" in text(response)
    assert count(Photo) == 5
    assert len(uploads()) == 10
    with pytest.raises(DomainError):
        project_service.add_photo(world.author.user, project, png_bytes())


def test_removing_a_photo_deletes_its_files(world, client):
    project = project_service.propose(world.author.user, world.contest, **project_values())
    photo = project_service.add_photo(world.author.user, project, png_bytes())
    db.session.commit()
    login(client, world.author.user)
    response = client.post(world.url(f"/photos/{photo.id}/delete"))
    assert response.status_code == 303
    assert count(Photo) == 0 and uploads() == []


def test_a_request_over_the_size_limit_gets_413_and_stores_nothing(make_app):
    application = make_app(MAX_CONTENT_LENGTH=64 * 1024)
    with application.app_context():
        world = make_world(Phase.PROPOSALS, costs=())
        client = application.test_client()
        login(client, world.author.user)
        big = png_bytes() + b"\x00" * (200 * 1024)
        response = client.post(world.url("/propose"), data=form(photo=(io.BytesIO(big), "big.png")),
                               content_type="multipart/form-data")
        assert response.status_code == 413
        assert count(Project) == 0 and count(Photo) == 0
        assert uploads() == []
        # A photo under the limit goes through on the same app.
        response = client.post(world.url("/propose"), data=form(photo=(io.BytesIO(png_bytes()), "ok.png")),
                               content_type="multipart/form-data")
        assert response.status_code == 303
        assert count(Photo) == 1
        assert count(AuditEntry, AuditEntry.action == "project.proposed") == 1


def test_photos_can_no_longer_be_added_once_review_starts(app):
    world = make_world(Phase.REVIEW, costs=(1_000_000,))
    with pytest.raises(NotAllowed):
        project_service.add_photo(world.author.user, world.projects[0], png_bytes())
    assert english(NotAllowed("x").message) == "x"
    assert count(Photo) == 0


def test_another_staff_member_of_another_community_cannot_edit(world):
    project = project_service.propose(world.author.user, world.contest, **project_values())
    stranger = make_staff(make_territory())
    assert not project.can_edit(stranger)


def test_photos_written_before_a_failure_are_removed_with_the_rollback(world):
    project = project_service.propose(world.author.user, world.contest, **project_values())
    db.session.commit()
    project_service.add_photo(world.author.user, project, png_bytes())
    assert len(uploads()) == 2                  # the photo and its thumbnail, not yet committed
    db.session.rollback()
    assert uploads() == [] and count(Photo) == 0


def test_a_deleted_photo_keeps_its_files_until_the_deletion_is_committed(world):
    project = project_service.propose(world.author.user, world.contest, **project_values())
    photo = project_service.add_photo(world.author.user, project, png_bytes())
    db.session.commit()
    files = uploads()
    project_service.remove_photo(world.author.user, photo)
    assert uploads() == files                   # a failed commit must not lose the files
    db.session.rollback()
    assert uploads() == files and count(Photo) == 1
    project_service.remove_photo(world.author.user, db.session.get(Photo, photo.id))
    db.session.commit()
    assert uploads() == [] and count(Photo) == 0
