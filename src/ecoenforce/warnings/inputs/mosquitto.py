"""Mosquitto's side of MQTT publishers (no Django): the topic scheme, password hashes, the password and ACL files.

Topic scheme: ``ecoenforce/electricity/<publisher>/<mn>``. The broker lets each publisher write only the topics of
the MNs bound to it (the ACL file), so the MN a reading belongs to is the one the broker authenticated; the listener
checks the same pair again on its side.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import re
import secrets
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

PREFIX = "ecoenforce/electricity"
SUBSCRIPTION = f"{PREFIX}/+/+"
ITERATIONS = 1000  # PBKDF2-SHA512 rounds; passwords are random (144 bits), so this guards against nothing weaker
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{2,63}$")
# An MN becomes one topic level: nothing MQTT gives meaning to (+ # /), no spaces or controls, no leading $.
TOPIC_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,31}$")


def topic_for(publisher: str, mn: str) -> str:
    """The one topic a publisher sends an MN's readings on."""
    return f"{PREFIX}/{publisher}/{mn}"


def parse_topic(topic: str) -> tuple[str, str] | None:
    """(publisher, mn) from a topic of the scheme, or None for any other topic."""
    head, sep, rest = topic.partition(PREFIX + "/")
    if head or not sep:
        return None
    parts = rest.split("/")
    if len(parts) != 2 or not USERNAME.match(parts[0]) or not TOPIC_SAFE.match(parts[1]):
        return None
    return parts[0], parts[1]


def new_password() -> str:
    """A password the bureau issues to a publisher (shown once, never stored)."""
    return secrets.token_urlsafe(18)


def password_hash(password: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    """Mosquitto 2's password-file hash: ``$7$<iterations>$<base64 salt>$<base64 PBKDF2-SHA512>``
    (what ``mosquitto_passwd`` writes)."""
    salt = salt if salt is not None else secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode("utf-8"), salt, iterations)
    return f"$7${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def password_matches(password: str, stored: str) -> bool:
    """True if `password` hashes to `stored` (a ``$7$`` hash)."""
    try:
        _empty, seven, iterations, salt, _digest = stored.split("$")
        if seven != "7":
            return False
        expected = password_hash(password, salt=base64.b64decode(salt), iterations=int(iterations))
    except ValueError:
        return False
    return secrets.compare_digest(expected, stored)


def password_file(entries: Iterable[tuple[str, str]]) -> str:
    """``user:hash`` lines for Mosquitto's ``password_file``."""
    return "".join(f"{user}:{hashed}\n" for user, hashed in sorted(entries))


def acl_file(*, listener: str, publishers: Mapping[str, Iterable[str]]) -> str:
    """Mosquitto's ``acl_file``: the listener reads the electricity topics; each publisher writes only its MNs' topics
    (and reads nothing). A publisher with no MN bound gets a user block with no topic: it may connect, not publish."""
    lines = ["# Written by `ecoenforce mqtt config`; do not edit (it is rewritten from the bindings).", "",
             f"user {listener}", f"topic read {PREFIX}/#", ""]  # fmt: skip
    for user in sorted(publishers):
        lines.append(f"user {user}")
        lines.extend(f"topic write {topic_for(user, mn)}" for mn in sorted(publishers[user]))
        lines.append("")
    return "\n".join(lines)


def broker_config(*, port: int, password_path: str, acl_path: str, bind: str = "127.0.0.1", run_as: str = "") -> str:
    """A whole Mosquitto configuration that refuses anonymous clients (`mosquitto -c FILE`), or the lines to merge
    into the system broker's (which must then not say `allow_anonymous true`). `run_as`: the user a broker started
    as root switches to (it reads the 0600 files as that user)."""
    user = f"user {run_as}\n" if run_as else ""
    return (f"# Written by `ecoenforce mqtt config`.\n{user}per_listener_settings false\nallow_anonymous false\n"
            f"password_file {password_path}\nacl_file {acl_path}\nlistener {port} {bind}\n")  # fmt: skip


def write_private(path: Path, text: str) -> None:
    """Write a file readable by its owner only (0600), atomically: a unique temporary name, fsync, rename, then the
    directory fsynced. Give the file to the broker's user (`chown mosquitto`) when the broker runs as another user."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # mode 0600
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
