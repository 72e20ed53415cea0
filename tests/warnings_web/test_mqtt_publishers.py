"""MQTT publishers over a real Mosquitto (issue 15 item 8): per-publisher passwords, the MN taken from the authenticated
topic, the listener's own check of (publisher, MN) against the bindings, and the generated broker files."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from django.core.management import call_command

from ecoenforce.core.errors import ApplicationError, ValidationFailed
from ecoenforce.core.models import AuditEvent
from ecoenforce.monitoring.lake.reader import read_readings
from ecoenforce.warnings import selectors, services
from ecoenforce.warnings.inputs import mosquitto
from ecoenforce.warnings.inputs.mqtt import BrokerRefused, ElectricityListener

pytestmark = pytest.mark.django_db
MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
LISTENER_PASSWORD = "listener-Secret-2026"
T = "2026-10-02T08:00:00+08:00"


# --- the pure side: hashes Mosquitto accepts, the topic scheme, the ACL ------------------------------------------

def test_password_hash_is_mosquittos_pbkdf2_form():
    salt = bytes(range(12))
    hashed = mosquitto.password_hash("secret123", salt=salt, iterations=101)
    assert hashed.startswith("$7$101$AAECAwQFBgcICQoL$") and len(hashed.split("$")[4]) == 88  # 64-byte SHA-512
    assert mosquitto.password_matches("secret123", hashed) and not mosquitto.password_matches("secret124", hashed)
    # a line written by mosquitto_passwd itself verifies with our code
    assert mosquitto.password_matches("secret123", "$7$101$464z5ts4WSKCX7Mi$HO4gQsJ6ofEKHDxsCU27cT4uGB3a8oX8Wob/Cfgxn"
                                                   "j8dujkq7ydYbZeo8aKDMWtCfGjsGunOINDBpZaptfzz7g==")  # fmt: skip


@pytest.mark.parametrize("topic,parsed", [
    ("ecoenforce/electricity/box-01/EZ320400000001", ("box-01", "EZ320400000001")),
    ("ecoenforce/electricity/EZ320400000001", None),  # the old scheme: no publisher in the topic
    ("ecoenforce/electricity/box-01/EZ1/extra", None),
    ("other/electricity/box-01/EZ1", None),
    ("ecoenforce/electricity/box-01/", None),
    ("ecoenforce/electricity/b/EZ1", None),  # user names have 3 characters at least
])  # fmt: skip
def test_topic_scheme(topic, parsed):
    assert mosquitto.parse_topic(topic) == parsed


def test_acl_lets_each_publisher_write_only_its_mns():
    text = mosquitto.acl_file(listener="ecoenforce-listener", publishers={"box-b": ["EZ2"], "box-a": ["EZ1", "EZ0"],
                                                                           "box-idle": []})  # fmt: skip
    blocks = [b.strip().splitlines() for b in text.split("\n\n")[1:] if b.strip()]
    assert blocks == [["user ecoenforce-listener", "topic read ecoenforce/electricity/#"],
                      ["user box-a", "topic write ecoenforce/electricity/box-a/EZ0",
                       "topic write ecoenforce/electricity/box-a/EZ1"],
                      ["user box-b", "topic write ecoenforce/electricity/box-b/EZ2"],
                      ["user box-idle"]]  # fmt: skip


# --- publishers, bindings, the broker's files --------------------------------------------------------------------

@pytest.fixture
def boxes(entity_wj, entity_xb, org_wj, org_xb, admin_user):
    """box-a (武进) may publish EZA1; box-b (新北) may publish EZB1; EZX1 is registered but bound to no publisher."""
    out = {}
    for name, org, entity, mn in (("box-a", org_wj, entity_wj, "EZA1"), ("box-b", org_xb, entity_xb, "EZB1")):
        services.device_bind(actor=admin_user, mn=mn, entity=entity, kind="electricity")
        _publisher, password = services.mqtt_publisher_issue(actor=admin_user, username=name, organization=org)
        services.mqtt_publisher_bind(actor=admin_user, username=name, mns=[mn])
        out[name] = {"password": password, "mn": mn}
    services.device_bind(actor=admin_user, mn="EZX1", entity=entity_wj, kind="electricity")
    return out


def test_issue_and_bind_are_checked_and_audited(boxes, org_wj, admin_user):
    assert selectors.mqtt_authorizations() == {"box-a": frozenset({"EZA1"}), "box-b": frozenset({"EZB1"})}
    with pytest.raises(ValidationFailed):
        services.mqtt_publisher_issue(actor=admin_user, username="box-a", organization=org_wj)
    with pytest.raises(ValidationFailed):
        services.mqtt_publisher_issue(actor=admin_user, username="ecoenforce-listener", organization=org_wj)
    with pytest.raises(ValidationFailed):
        services.mqtt_publisher_issue(actor=admin_user, username="a/b#", organization=org_wj)
    with pytest.raises(ValidationFailed):  # not a registered electricity monitor
        services.mqtt_publisher_bind(actor=admin_user, username="box-a", mns=["EZNOBODY"])
    from ecoenforce.warnings.models import MqttPublisher

    stored = MqttPublisher.objects.get(username="box-a").password_hash
    assert boxes["box-a"]["password"] not in stored and mosquitto.password_matches(boxes["box-a"]["password"], stored)
    actions = list(AuditEvent.objects.filter(action__startswith="mqtt_publisher.").values_list("action", "region_code"))
    assert actions == [("mqtt_publisher.issue", "320412"), ("mqtt_publisher.issue", "320411")]
    assert AuditEvent.objects.filter(action="device.bind_publisher").count() == 2
    recorded = " ".join(f"{e.before} {e.after} {e.reason}" for e in AuditEvent.objects.all())
    assert "box-a" in recorded and boxes["box-a"]["password"] not in recorded


def test_config_command_writes_private_files_and_refuses_without_the_listener_password(boxes, tmp_path, settings):
    settings.MQTT_PASSWORD = ""
    with pytest.raises(ValidationFailed):
        call_command("mqtt", "config", "--out", str(tmp_path / "none"))
    settings.MQTT_PASSWORD = LISTENER_PASSWORD
    call_command("mqtt", "config", "--out", str(tmp_path / "mqtt"), "--port", "18830")
    files = {p.name: p for p in (tmp_path / "mqtt").iterdir()}
    assert sorted(files) == ["acl", "mosquitto.conf", "passwd"]
    assert {oct(p.stat().st_mode & 0o777) for p in files.values()} == {"0o600"}
    users = dict(line.split(":", 1) for line in files["passwd"].read_text().splitlines())
    assert sorted(users) == ["box-a", "box-b", "ecoenforce-listener"]
    assert mosquitto.password_matches(boxes["box-b"]["password"], users["box-b"])
    assert mosquitto.password_matches(LISTENER_PASSWORD, users["ecoenforce-listener"])
    assert "allow_anonymous false" in files["mosquitto.conf"].read_text()
    assert AuditEvent.objects.filter(action="mqtt_config.write").count() == 1
    from ecoenforce.warnings.models import MqttPublisher

    MqttPublisher.objects.filter(username="box-b").update(active=False)  # shut out: gone from both files
    call_command("mqtt", "config", "--out", str(tmp_path / "mqtt"), "--port", "18830")
    assert "box-b" not in files["passwd"].read_text() and "box-b" not in files["acl"].read_text()
    assert selectors.mqtt_authorizations() == {"box-a": frozenset({"EZA1"})}


# --- a real broker ---------------------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _broker(config: Path, port: int):
    """Run /usr/sbin/mosquitto with `config` until the block ends."""
    log = config.with_suffix(".log")
    with log.open("w") as out:
        proc = subprocess.Popen([MOSQUITTO, "-c", str(config)], stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 15
        while True:  # wait until it listens (a readiness wait, not an assertion on time)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"mosquitto did not start: {log.read_text()}") from None
                time.sleep(0.05)
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def secured_broker(boxes, tmp_path, settings):
    """Our own Mosquitto with the files `ecoenforce mqtt config` wrote (anonymous clients refused)."""
    if not os.path.exists(MOSQUITTO):
        pytest.skip("mosquitto is not installed")
    port = _free_port()
    settings.MQTT_PASSWORD, settings.LAKE_DIR = LISTENER_PASSWORD, tmp_path / "lake"
    call_command("mqtt", "config", "--out", str(tmp_path / "mqtt"), "--port", str(port))
    with _broker(tmp_path / "mqtt" / "mosquitto.conf", port):
        yield port


@pytest.fixture
def open_broker(boxes, tmp_path, settings):
    """A Mosquitto that lets anyone publish anything (like the system broker on 1883): only the listener's own check
    stands between a stranger and the lake."""
    if not os.path.exists(MOSQUITTO):
        pytest.skip("mosquitto is not installed")
    port = _free_port()
    settings.LAKE_DIR = tmp_path / "lake"
    config = tmp_path / "open.conf"
    config.write_text(f"user {os.environ.get('USER') or 'root'}\nallow_anonymous true\nlistener {port} 127.0.0.1\n")
    with _broker(config, port):
        yield port


def _connect(port: int, username: str | None = None, password: str | None = None):
    """A connected client and the broker's answer to its CONNECT."""
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"t-{username}-{time.time_ns()}")
    if username:
        client.username_pw_set(username, password)
    answered, answer = threading.Event(), {}

    def on_connect(c, userdata, flags, reason_code, properties):
        answer["rc"] = reason_code
        answered.set()

    client.on_connect = on_connect
    client.connect("127.0.0.1", port)
    client.loop_start()
    assert answered.wait(15), "the broker never answered the CONNECT"
    return client, answer["rc"]


def _listener(port: int, **kw) -> ElectricityListener:
    return ElectricityListener(authorizations=selectors.mqtt_authorizations,
                               store=lambda publisher, rows: services.mqtt_readings_store(username=publisher, rows=rows),
                               port=port, flush_seconds=3600, **kw)  # fmt: skip


def _publish_when_subscribed(listener: ElectricityListener, port: int, messages: list[tuple[str, bytes]],
                             username: str | None = None, password: str | None = None) -> threading.Thread:
    def run():
        listener.subscribed.wait(15)
        client, rc = _connect(port, username, password)
        for topic, payload in messages:
            client.publish(topic, payload, qos=1).wait_for_publish(10)
        client.loop_stop()
        client.disconnect()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _reading(kw: float, **extra) -> bytes:
    return json.dumps({"meter": "treatment", "time": T, "kw": kw, **extra}).encode()


def test_the_broker_refuses_wrong_passwords_and_strangers(secured_broker, boxes, settings):
    for username, password in (("box-a", "wrong-password"), ("box-a", boxes["box-b"]["password"]), ("nobody", "x"),
                               (None, None)):  # fmt: skip
        client, rc = _connect(secured_broker, username, password)
        client.loop_stop()
        client.disconnect()
        assert rc.is_failure, username
    client, rc = _connect(secured_broker, "box-a", boxes["box-a"]["password"])
    client.loop_stop()
    client.disconnect()
    assert not rc.is_failure
    with pytest.raises(BrokerRefused):  # the listener with a wrong password stops, it does not run deaf
        _listener(secured_broker, username="ecoenforce-listener", password="wrong").run(max_seconds=30)
    settings.MQTT_PASSWORD, settings.MQTT_PORT = "wrong", secured_broker
    with pytest.raises(ApplicationError):
        call_command("electricity", "listen", "--max-seconds", "30")


def test_a_publisher_cannot_publish_another_publishers_mn(secured_broker, boxes, tmp_path):
    a, b = boxes["box-a"], boxes["box-b"]
    listener = _listener(secured_broker, username="ecoenforce-listener", password=LISTENER_PASSWORD)
    # box-a tries box-b's topic, then box-b's MN under its own name, then an unbound MN; the broker drops all three,
    # so the first message the listener sees is box-a's own reading, sent last
    publishing = _publish_when_subscribed(listener, secured_broker, [
        (mosquitto.topic_for("box-b", b["mn"]), _reading(1.0)),
        (mosquitto.topic_for("box-a", b["mn"]), _reading(2.0)),
        (mosquitto.topic_for("box-a", "EZX1"), _reading(3.0)),
        (mosquitto.topic_for("box-a", a["mn"]), _reading(4.0)),
    ], username="box-a", password=a["password"])  # fmt: skip
    listener.run(max_seconds=30, max_messages=1)
    publishing.join(15)
    assert (listener.received, listener.rejected, listener.written) == (1, 0, 1)
    rows = read_readings(tmp_path / "lake", kind="electricity", as_dicts=True)
    assert [(r["mn"], r["rtd"]) for r in rows] == [(a["mn"], 4.0)]
    event = AuditEvent.objects.get(action="inputs.electricity")
    assert (event.actor, event.object_type, event.region_code, event.after["via"], event.after["publisher"],
            event.after["mns"]) == (None, "warnings.mqttpublisher", "320412", "mqtt", "box-a", [a["mn"]])  # fmt: skip


def test_on_an_open_broker_the_listener_still_takes_the_mn_from_the_topic_and_checks_it(open_broker, boxes, tmp_path):
    a = boxes["box-a"]
    own = mosquitto.topic_for("box-a", a["mn"])
    listener = _listener(open_broker)
    publishing = _publish_when_subscribed(listener, open_broker, [
        (mosquitto.topic_for("box-a", boxes["box-b"]["mn"]), _reading(1.0)),  # another publisher's MN
        (mosquitto.topic_for("box-b", "EZX1"), _reading(2.0)),  # registered, bound to no publisher
        (mosquitto.topic_for("box-a", "EZNOBODY"), _reading(3.0)),  # unregistered
        (f"ecoenforce/electricity/{a['mn']}", _reading(4.0)),  # the old scheme: not even delivered (no publisher level)
        (own, _reading(5.0, mn=boxes["box-b"]["mn"])),  # the payload's mn disagrees: refused, never overrides
        (own, json.dumps({"readings": [{"meter": "production", "time": T, "kw": 6.0, "mn": "EZB1"}]}).encode()),
        (own, b"not json"),
        (own, _reading(7.0, mn=a["mn"])),  # agreeing is fine
        (own, json.dumps({"readings": [{"meter": "production", "time": T, "kw": 8.0}]}).encode()),
    ])  # fmt: skip
    listener.run(max_seconds=30, max_messages=8)
    publishing.join(15)
    assert (listener.received, listener.rejected, listener.written) == (8, 6, 2)
    rows = read_readings(tmp_path / "lake", kind="electricity", as_dicts=True)
    assert sorted((r["mn"], r["pollutant"], r["rtd"]) for r in rows) == [(a["mn"], "production", 8.0),
                                                                         (a["mn"], "treatment", 7.0)]  # fmt: skip


def test_a_binding_removed_before_the_flush_is_not_stored(boxes, tmp_path, admin_user):
    from ecoenforce.warnings.inputs.lake_writer import electricity_rows

    rows = electricity_rows({"mn": "EZA1", "readings": [{"meter": "treatment", "time": T, "kw": 1}]})
    services.mqtt_publisher_bind(actor=admin_user, username="box-a", mns=["EZA1"], unbind=True)
    assert services.mqtt_readings_store(username="box-a", rows=rows, lake_dir=tmp_path) == (0, 1)
    assert not list(tmp_path.rglob("*.parquet"))


def test_the_command_line_refuses_in_words_with_status_2(boxes, tmp_path, settings, capsys, monkeypatch):
    from django.db import connections

    from ecoenforce.cli import main

    # A command run from the shell closes its database connections when it ends (BaseCommand.run_from_argv); here
    # several run inside one test transaction, which PostgreSQL would lose with the connection.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    settings.MQTT_PASSWORD = ""
    for argv in (["mqtt", "config", "--out", str(tmp_path)], ["mqtt", "bind", "box-a", "EZNOBODY"],
                 ["mqtt", "issue", "box-new", "--org-region", "999999"], ["mqtt", "password", "nobody"]):
        with pytest.raises(SystemExit) as stopped:
            main(argv)
        err = capsys.readouterr().err
        assert stopped.value.code == 2 and "Traceback" not in err and err.strip(), argv
    main(["mqtt", "issue", "box-new", "--org-region", "320412"])
    out = capsys.readouterr().out
    password = out.splitlines()[0].rsplit("：", 1)[-1].rsplit(" ", 1)[-1]
    from ecoenforce.warnings.models import MqttPublisher

    assert mosquitto.password_matches(password, MqttPublisher.objects.get(username="box-new").password_hash)
