from tests.factories import make_territory


def test_home_page_renders_in_kazakh_by_default(client):
    from civic.extensions import db
    make_territory()
    db.session.commit()
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="kk"' in response.get_data(as_text=True)


def test_healthz_answers_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}
