"""The protocol archive and its full-text search in Kazakh and Russian (issue 4, item 7):
only published protocols (the latest published version of each session), word forms found
through stems and prefixes, an active search box with a plain GET fallback, and a number of
queries per request that does not grow with the archive."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from civic.councils import archive, protocols
from civic.extensions import db
from tests.councils.public_helpers import (  # noqa: F401 - fixture
    count_queries, fresh_request_globals, held_session, html_of, make_body, make_world,
)

PASTURE = [("Жайылымдарды пайдалану қағидалары туралы", "Әкім аппаратының бас маманы",
            "Жайылымдарды пайдалану кестесін бекіту")]
LIGHTS = [("Об освещении улиц села", "Специалист аппарата акима", "Утвердить план ремонта уличного освещения")]
BUDGET = [("2027 жылғы бюджет жобасы туралы", "Бас есепші", "Бюджет жобасын мақұлдау")]


@pytest.fixture
def world(app):
    w = make_world()
    db.session.commit()
    return w


@pytest.fixture
def archive_of_three(world):
    body, members = make_body(world)
    pasture, p1 = held_session(world, body, members, items=PASTURE, days_ago=60)
    lights, p2 = held_session(world, body, members, items=LIGHTS, days_ago=40)
    budget, p3 = held_session(world, body, members, items=BUDGET, days_ago=20)
    db.session.commit()
    return {"pasture": p1, "lights": p2, "budget": p3, "body": body, "members": members}


def _found(query: str, **kwargs) -> set[int]:
    return {hit.protocol.id for hit in archive.search(query, **kwargs).items}


# --- the query words ---------------------------------------------------------------------------

@pytest.mark.parametrize("word, stem", [
    ("жайылымдарды", "жайылым"),      # plural + accusative
    ("жайылымға", "жайылым"),         # dative
    ("бюджетінің", "бюджет"),         # possessive + genitive
    ("освещения", "освещен"),
    ("пастбищах", "пастбищ"),
    ("жер", "жер"),                   # short words are kept whole
])
def test_query_words_are_cut_to_a_stem(word, stem):
    assert archive.stem(word) == stem


EVIL = "\"жайылым* OR NEAR(а б) : -- ; ' DROP TABLE protocol & !x:* <-> {}"


def test_query_syntax_cannot_be_injected(archive_of_three):
    words = archive.terms(EVIL)
    assert words[0] == "жайылым" and all(w.isalnum() for w in words) and len(words) <= archive.MAX_TERMS
    assert archive.sqlite_match(["жайылым"]) == '"жайылым" *'
    assert archive.pg_tsquery(["жайылым", "бюджет"]) == "'жайылым':* & 'бюджет':*"
    assert archive.terms("  ,.;  ") == []
    archive.search(EVIL)                                  # no syntax error from the database
    assert _found("жайылым OR қарбыз") == set()           # OR is a word to find, not an operator


# --- finding ---------------------------------------------------------------------------------

def test_finds_a_kazakh_word_and_its_forms(archive_of_three):
    pasture = archive_of_three["pasture"].id
    assert _found("жайылым") == {pasture}
    assert _found("Жайылымдарды") == {pasture}          # the form in the text, capitalised
    assert _found("жайылымға") == {pasture}             # a form that is not in the text
    assert _found("бюджетінің") == {archive_of_three["budget"].id}


def test_finds_a_russian_word_and_its_forms(archive_of_three):
    lights = archive_of_three["lights"].id
    assert _found("освещение") == {lights}
    assert _found("ОСВЕЩЕНИЯ") == {lights}
    assert _found("ремонт освещения") == {lights}       # every word must match


def test_no_match(archive_of_three):
    assert _found("қарбыз") == set()
    assert _found("освещение жайылым") == set()
    assert archive.search("қарбыз").total == 0


def test_only_published_protocols_are_found(world, archive_of_three):
    body, members = archive_of_three["body"], archive_of_three["members"]
    secret = [("Жайылымдарды қоршау туралы", "Маман", "Қоршау салу")]
    _signed, unpublished = held_session(world, body, members, items=secret, publish=False)
    _held, draft = held_session(world, body, members, items=secret, sign=False)
    db.session.commit()
    assert _found("қоршау") == set()
    assert _found("жайылым") == {archive_of_three["pasture"].id}
    protocols.publish(world.staff, unpublished)
    db.session.commit()
    assert _found("қоршау") == {unpublished.id}


def test_a_correction_replaces_the_text_searched_once_it_is_published(world, archive_of_three):
    first = archive_of_three["lights"]
    corrected = protocols.correct(world.staff, first, text=first.text.replace("освещения", "водоснабжения"),
                                  reason="Опечатка в предмете решения")
    db.session.commit()
    # Until the correction is signed and published, the published version stays in the archive.
    assert _found("освещение") == {first.id}
    digest = protocols.text_sha256(corrected.text)
    protocols.sign(world.chair_user, corrected, digest)
    protocols.sign(world.secretary_user, corrected, digest)
    protocols.publish(world.staff, corrected)
    db.session.commit()
    assert _found("водоснабжение") == {corrected.id}
    assert first.id not in _found("ремонта")
    listing = archive.search("", 1)
    assert corrected.id in {h.protocol.id for h in listing.items}
    assert first.id not in {h.protocol.id for h in listing.items}


def test_search_by_body(world, archive_of_three):
    other, members = make_body(world, name="Басқа жиналыс")
    _s, elsewhere = held_session(world, other, members, items=PASTURE)
    db.session.commit()
    assert _found("жайылым") == {archive_of_three["pasture"].id, elsewhere.id}
    assert _found("жайылым", body=other) == {elsewhere.id}


def test_index_is_created_lazily_and_idempotently(app, archive_of_three):
    archive.ensure_index()
    archive.ensure_index()
    if db.engine.dialect.name == "sqlite":
        assert archive.reindex_all() == 3
        assert db.session.scalar(sa.text("SELECT count(*) FROM protocol_fts")) == 3
    assert _found("жайылым") == {archive_of_three["pasture"].id}


# --- the page --------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_archive_page_in_each_language(client, archive_of_three, lang):
    client.set_cookie("lang", lang)
    response = client.get("/protocols")
    page = html_of(response)
    assert response.status_code == 200 and f'<html lang="{lang}"' in page
    for key in ("pasture", "lights", "budget"):
        assert f'href="/protocols/{archive_of_three[key].id}"' in page


def test_search_page_highlights_the_match_and_works_without_javascript(client, archive_of_three):
    client.set_cookie("lang", "en")
    page = html_of(client.get("/protocols?q=жайылым"))
    assert "1 protocol found for “жайылым”." in page
    assert f'href="/protocols/{archive_of_three["pasture"].id}"' in page
    assert f'href="/protocols/{archive_of_three["lights"].id}"' not in page
    assert re.search(r"<mark>Жайылымдарды</mark>", page)
    form = re.search(r'<form[^>]*role="search"[^>]*>', page).group(0)
    assert 'method="get"' in form and 'action="/protocols"' in form
    box = re.search(r'<input type="search"[^>]*>', page).group(0)
    assert 'hx-trigger="input changed delay:300ms, search"' in box
    assert 'hx-push-url="true"' in box and 'hx-get="/protocols"' in box and 'name="q"' in box
    assert '<label for="q">' in page
    assert 'aria-live="polite"' in page
    assert "No published protocol contains these words." in html_of(client.get("/protocols?q=қарбыз"))


def test_search_fragment_for_htmx_and_full_page_otherwise(client, archive_of_three):
    fragment = html_of(client.get("/protocols?q=освещение", headers={"HX-Request": "true"}))
    assert fragment.lstrip().startswith('<div id="protocol-results">') and "<html" not in fragment
    assert f'href="/protocols/{archive_of_three["lights"].id}"' in fragment
    for headers in ({"HX-Request": "true", "HX-Boosted": "true"},
                    {"HX-Request": "true", "HX-History-Restore-Request": "true"}, {}):
        assert "<html" in html_of(client.get("/protocols?q=освещение", headers=headers))


def test_snippets_are_escaped(world, client):
    body, members = make_body(world)
    _s, protocol = held_session(world, body, members,
                                items=[("<script>alert(1)</script> жайылым", "Маман", "Бекіту")])
    db.session.commit()
    page = client.get("/protocols?q=жайылым").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "<mark>" in page
    marked = archive.highlight(f"<b>x</b> {archive.MARK_START}жайылым{archive.MARK_END} & y")
    assert str(marked) == "&lt;b&gt;x&lt;/b&gt; <mark>жайылым</mark> &amp; y"


def test_results_are_paginated(world, client):
    body, members = make_body(world, members=3)
    for n in range(22):
        held_session(world, body, members, items=PASTURE, days_ago=30 + n, speeches=False, participants=0)
    db.session.commit()
    client.set_cookie("lang", "en")
    first = html_of(client.get("/protocols?q=жайылым"))
    assert "22 protocols found" in first
    assert len(re.findall(r'<li class="result">', first)) == 20
    assert "/protocols?page=2&q=" in first or "/protocols?q=" in first and "page=2" in first
    second = html_of(client.get("/protocols?q=жайылым&page=2"))
    assert len(re.findall(r'<li class="result">', second)) == 2


def test_archive_queries_do_not_grow_with_the_data(world, client):
    body, members = make_body(world, members=3)
    for n in range(2):
        held_session(world, body, members, items=PASTURE, days_ago=30 + n, speeches=False, participants=0)
    db.session.commit()

    def statements(path):
        client.get(path)
        with count_queries() as found:
            assert client.get(path).status_code == 200
        return len(found)

    few_list, few_search = statements("/protocols"), statements("/protocols?q=жайылым")
    for n in range(15):
        held_session(world, body, members, items=PASTURE if n % 2 else LIGHTS, days_ago=40 + n, speeches=False,
                     participants=0)
    db.session.commit()
    assert statements("/protocols") == few_list
    assert statements("/protocols?q=жайылым") == few_search
    assert statements("/protocols.atom") == statements("/protocols.atom")
