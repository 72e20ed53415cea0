"""SM4 (GB/T 32907) protection of the CP area in HJ 212-2025: ECB, no padding, a tail under 16 bytes in clear.

Wire form assumed here (HJ 212-2025 text not yet in hand; from a third-party implementation, see hj212.md §0.3):
the ciphertext of the whole 16-byte blocks as upper-case hex, then the clear tail (< 16 bytes) as is.
"""

from __future__ import annotations

import re

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from . import errors as E

_HEXRUN = re.compile(r"[0-9A-Fa-f]{32,}")


def _cipher(key: bytes) -> Cipher:
    """An SM4-ECB cipher object; keys are exactly 16 bytes."""
    if len(key) != 16:
        raise E.HJ212Error(E.DECRYPT_FAILED, f"expected a 16-byte SM4 key, got {len(key)} bytes", field="CP")
    return Cipher(algorithms.SM4(key), modes.ECB())


def encrypt_cp(plain: str, key: bytes) -> str:
    """Encrypt a CP body: whole blocks -> hex ciphertext, the tail (< 16 bytes) left in clear."""
    data = plain.encode("utf-8")
    cut = len(data) - len(data) % 16
    enc = _cipher(key).encryptor()
    body = enc.update(data[:cut]) + enc.finalize()
    return body.hex().upper() + data[cut:].decode("utf-8")


def looks_encrypted(body: str) -> bool:
    """A CP body is taken as encrypted when it starts with at least one block of hex and has no '=' in it."""
    return bool(_HEXRUN.match(body)) and "=" not in body[: len(body) - len(body) % 32]


def decrypt_cp(body: str, key: bytes) -> str:
    """Decrypt a CP body produced by `encrypt_cp`; raise DECRYPT_FAILED with the reason if it cannot be."""
    if len(body) % 32 >= 16:
        # the clear tail is < 16 bytes, so a remainder of 16..31 characters cannot be this wire form
        raise E.HJ212Error(E.DECRYPT_FAILED, f"CP of {len(body)} characters is not hex blocks + short tail")
    n_hex = len(body) - len(body) % 32
    hex_part, tail = body[:n_hex], body[n_hex:]
    try:
        cipher_bytes = bytes.fromhex(hex_part)
    except ValueError:
        raise E.HJ212Error(
            E.DECRYPT_FAILED, "expected hex ciphertext at the start of CP", field="CP"
        ) from None
    dec = _cipher(key).decryptor()
    plain = dec.update(cipher_bytes) + dec.finalize()
    try:
        return plain.decode("utf-8") + tail
    except UnicodeDecodeError:
        raise E.HJ212Error(
            E.DECRYPT_FAILED, "decrypted CP is not UTF-8 text (wrong key?)", field="CP"
        ) from None
