"""MQTT subscriber for electricity monitors: topic ecoenforce/electricity/<mn>, JSON payloads, batched writes."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import paho.mqtt.client as mqtt

from ecoenforce.warnings.inputs.lake_writer import PayloadError, electricity_rows, write_rows

log = logging.getLogger(__name__)
TOPIC = "ecoenforce/electricity/#"


class ElectricityListener:
    """Buffers valid messages and flushes them to the lake every `flush_seconds` (and on stop)."""

    def __init__(self, lake_dir: Path | str, *, host: str = "127.0.0.1", port: int = 1883, topic: str = TOPIC,
                 flush_seconds: float = 5.0) -> None:  # fmt: skip
        self.lake_dir, self.topic, self.flush_seconds = lake_dir, topic, flush_seconds
        self.buffer: list[dict] = []
        self.received = self.rejected = self.written = 0
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"ecoenforce-electricity-{id(self)}")
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.host, self.port = host, port
        self._last_flush = time.monotonic()

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        client.subscribe(self.topic, qos=1)

    def _on_message(self, client, userdata, msg) -> None:
        self.received += 1
        try:
            payload = json.loads(msg.payload.decode("utf-8"))
            if "mn" not in payload:  # the topic carries the device id when the payload does not
                payload["mn"] = msg.topic.rsplit("/", 1)[-1]
            if "readings" not in payload:
                payload = {"mn": payload["mn"], "readings": [payload]}
            self.buffer.extend(electricity_rows(payload))
        except (ValueError, PayloadError, UnicodeDecodeError, AttributeError, TypeError) as exc:
            self.rejected += 1
            log.warning("electricity message on %s rejected: %s", msg.topic, exc)

    def flush(self) -> int:
        """Write the buffer to the lake."""
        rows, self.buffer = self.buffer, []
        if rows:
            write_rows(self.lake_dir, rows)
            self.written += len(rows)
        self._last_flush = time.monotonic()
        return len(rows)

    def run(self, *, max_seconds: float | None = None, max_messages: int | None = None) -> None:
        """Connect and loop until stopped (or the optional limits are reached, for tests and batch use)."""
        self.client.connect(self.host, self.port, keepalive=30)
        self.client.loop_start()
        started = time.monotonic()
        try:
            while True:
                time.sleep(0.05)
                if time.monotonic() - self._last_flush >= self.flush_seconds:
                    self.flush()
                if max_seconds is not None and time.monotonic() - started >= max_seconds:
                    break
                if max_messages is not None and self.received >= max_messages:
                    break
        finally:
            self.client.loop_stop()
            self.client.disconnect()
            self.flush()
