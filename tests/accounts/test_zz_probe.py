import flask
import pytest
from civic.extensions import db
from tests.factories import make_user, PASSWORD

@pytest.fixture(autouse=True)
def fresh_g():
    def clear(sender, **extra):
        for k in list(flask.g.__dict__): delattr(flask.g, k)
    flask.request_started.connect(clear)
    yield
    flask.request_started.disconnect(clear)

def test_probe_leak(app, client, auth):
    u = make_user("a@example.kz"); db.session.commit()
    r = auth.login("a@example.kz")
    print(client.get("/account/").status_code)
    c2 = app.test_client()
    print("c2", c2.get("/account/").status_code)

def test_probe_lang(app, client, outbox):
    client.set_cookie("lang", "zzzzzzzz")
    r = client.post("/account/register", data=dict(surname="A", given_name="B", email="x@example.kz", password=PASSWORD, password_confirm=PASSWORD))
    print("lang", r.status_code, r.get_data(as_text=True)[:300])

def test_probe_chpw(app, client, auth):
    u = make_user("b@example.kz"); db.session.commit()
    auth.login("b@example.kz")
    client.delete_cookie("lang")
    new = "a completely different passphrase 77"
    r = client.post("/account/password", data=dict(current_password=PASSWORD, new_password=new, new_password_confirm=new))
    print("chpw", r.status_code, r.headers.get("Location"))
