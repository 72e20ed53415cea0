"""MQTT subscriber for electricity monitors: topic ecoenforce/electricity/<publisher>/<mn>, JSON payloads, batched
writes.

The MN of a reading is the topic's, which the broker's ACL lets only the publisher bound to that MN write
(`mosquitto.acl_file`). The listener checks the same (publisher, MN) pair against the bindings on its side too, so a
broker that lets anyone publish (anonymous, a stale ACL) still cannot feed another publisher's or an unregistered MN;
a payload `mn` that disagrees with the topic refuses the message, it never overrides the topic. No Django here: the
bindings come from `authorizations()` and the rows go to `store(publisher, rows)`, both given by the caller.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Collection, Mapping

import paho.mqtt.client as mqtt

from ecoenforce.warnings.inputs.lake_writer import PayloadError, electricity_rows
from ecoenforce.warnings.inputs.mosquitto import SUBSCRIPTION, parse_topic

log = logging.getLogger(__name__)
TOPIC = SUBSCRIPTION

Authorizations = Callable[[], Mapping[str, Collection[str]]]
Store = Callable[[str, list[dict]], tuple[int, int]]


class BrokerRefused(ConnectionError):
    """The broker refused the listener's connection (wrong user name or password, not authorised)."""


class ElectricityListener:
    """Buffers valid messages per publisher and hands them to `store` every `flush_seconds` (and on stop);
    re-reads `authorizations` every `refresh_seconds` so new bindings take effect without a restart."""

    def __init__(self, *, authorizations: Authorizations, store: Store, host: str = "127.0.0.1", port: int = 1883,
                 topic: str = TOPIC, username: str | None = None, password: str | None = None,
                 flush_seconds: float = 5.0, refresh_seconds: float = 30.0) -> None:  # fmt: skip
        self.authorizations, self.store = authorizations, store
        self.topic, self.flush_seconds, self.refresh_seconds = topic, flush_seconds, refresh_seconds
        self.buffer: dict[str, list[dict]] = {}
        self.allowed: Mapping[str, Collection[str]] = {}
        self.received = self.rejected = self.written = 0
        self.subscribed = threading.Event()
        self.refused_by_broker = ""
        self._lock = threading.Lock()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"ecoenforce-electricity-{id(self)}")
        if username:
            self.client.username_pw_set(username, password)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message
        self.host, self.port = host, port
        self._last_flush = self._last_refresh = time.monotonic()

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            self.refused_by_broker = str(reason_code)
            return
        client.subscribe(self.topic, qos=1)

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:
        self.subscribed.set()

    def _reject(self, topic: str, why: str) -> None:
        self.rejected += 1
        log.warning("electricity message on %s rejected: %s", topic, why)

    def _on_message(self, client, userdata, msg) -> None:
        self.received += 1
        parsed = parse_topic(msg.topic)
        if parsed is None:
            return self._reject(msg.topic, "not a topic of the scheme ecoenforce/electricity/<publisher>/<mn>")
        publisher, mn = parsed
        if mn not in self.allowed.get(publisher, ()):
            return self._reject(msg.topic, f"{mn} is not a registered electricity monitor bound to {publisher}")
        try:
            payload = json.loads(msg.payload.decode("utf-8"))
            if not isinstance(payload, dict):
                raise PayloadError("the payload must be a JSON object")
            if "readings" not in payload:
                payload = {"mn": payload.get("mn"), "readings": [payload]}
            readings = payload["readings"] if isinstance(payload["readings"], list) else []
            claimed = {str(x).strip() for x in [payload.get("mn"), *(r.get("mn") for r in readings if isinstance(r, dict))]
                       if x not in (None, "")}  # fmt: skip
            if claimed - {mn}:
                raise PayloadError(f"the payload names {', '.join(sorted(claimed - {mn}))} but the topic is {mn}")
            rows = electricity_rows({**payload, "mn": mn})
        except (ValueError, PayloadError, UnicodeDecodeError, AttributeError, TypeError) as exc:
            return self._reject(msg.topic, str(exc))
        with self._lock:
            self.buffer.setdefault(publisher, []).extend(rows)

    def refresh(self) -> None:
        """Re-read which publisher may send which MNs."""
        self.allowed = {k: frozenset(v) for k, v in self.authorizations().items()}
        self._last_refresh = time.monotonic()

    def flush(self) -> int:
        """Hand the buffered rows to `store`, per publisher → rows stored."""
        with self._lock:
            batches, self.buffer = self.buffer, {}
        stored_now = 0
        for publisher, rows in sorted(batches.items()):
            stored, refused = self.store(publisher, rows)
            stored_now += stored
            self.rejected += refused
        self.written += stored_now
        self._last_flush = time.monotonic()
        return stored_now

    def run(self, *, max_seconds: float | None = None, max_messages: int | None = None) -> None:
        """Connect and loop until stopped (or the optional limits are reached, for tests and batch use).
        Raises BrokerRefused if the broker refuses the listener's credentials."""
        self.refresh()
        self.client.connect(self.host, self.port, keepalive=30)
        self.client.loop_start()
        started = time.monotonic()
        try:
            while True:
                time.sleep(0.05)
                if self.refused_by_broker:
                    raise BrokerRefused(self.refused_by_broker)
                now = time.monotonic()
                if now - self._last_refresh >= self.refresh_seconds:
                    self.refresh()
                if now - self._last_flush >= self.flush_seconds:
                    self.flush()
                if max_seconds is not None and now - started >= max_seconds:
                    break
                if max_messages is not None and self.received >= max_messages:
                    break
        finally:
            self.client.loop_stop()
            self.client.disconnect()
            self.flush()
