from tests.councils.manage_helpers import *  # noqa
from tests.councils.manage_helpers import fresh_request_globals, make_world, running_session, login, signed_session
from civic.extensions import db

def test_dump(app, client):
    world = make_world(members=4)
    session = running_session(world, present=3)
    login(client, world.staff)
    open("/tmp/run.html", "w").write(client.get(f"/sessions/{session.id}/run").get_data(as_text=True))
    open("/tmp/manage.html", "w").write(client.get(f"/sessions/{session.id}/manage").get_data(as_text=True))
    open("/tmp/body.html", "w").write(client.get(f"/bodies/{world.body.slug}/manage").get_data(as_text=True))
    w2 = make_world(members=4)
    s2, p2 = signed_session(w2)
    login(client, w2.staff)
    open("/tmp/protocol.html", "w").write(client.get(f"/sessions/{s2.id}/protocol").get_data(as_text=True))
    open("/tmp/decisions.html", "w").write(client.get(f"/sessions/{s2.id}/decisions/manage").get_data(as_text=True))
