"""Encryption at rest (AES-256-GCM) and keyed hashes for exact lookup.

Ciphertext format: "v1:" + urlsafe-base64(nonce[12] + ciphertext+tag).

Key rotation (gonghui/core/rotation.py, `gonghui rotate-data-key`): with GONGHUI_DATA_KEY set
to the new key and GONGHUI_DATA_KEY_OLD to the old one, everything is encrypted with the new
key and decrypted with whichever of the two opens it (AES-GCM's tag tells). Keyed hashes stay
under the old key until the rotation has re-keyed every stored hash in one step: a lookup must
use the key the stored hashes were made with, so `keyed_hash` asks the database once per process
which that is (`lookup_key`). Without an old key nothing of this costs anything.
"""

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Callable, Sequence
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

_PREFIX = "v1:"
_NONCE = 12
_URLSAFE = bytes.maketrans(b"+/", b"-_")


@lru_cache(maxsize=4)
def _keys(data_key: str) -> tuple[AESGCM, hmac.HMAC]:
    """(cipher, keyed-hash template): copying the template skips the HMAC key setup."""
    raw = base64.b64decode(data_key)
    if len(raw) != 32:
        raise ValueError("GONGHUI_DATA_KEY must be base64 of 32 bytes")
    # Separate sub-keys so the lookup hash never reveals anything about the cipher key.
    enc_key = hmac.new(raw, b"gonghui-encrypt", hashlib.sha256).digest()
    mac_key = hmac.new(raw, b"gonghui-lookup-hash", hashlib.sha256).digest()
    return AESGCM(enc_key), hmac.new(mac_key, digestmod=hashlib.sha256)


def _seal(aes: AESGCM, nonce: bytes, plaintext: str) -> str:
    blob = nonce + aes.encrypt(nonce, plaintext.encode("utf-8"), None)
    # urlsafe_b64encode without its two Python-level wrappers.
    return _PREFIX + binascii.b2a_base64(blob, newline=False).translate(_URLSAFE).decode("ascii")


def encrypt(plaintext: str) -> str:
    aes, _ = _keys(settings.DATA_KEY)
    return _seal(aes, os.urandom(_NONCE), plaintext)


def encrypt_many(plaintexts: Sequence[str]) -> list[str]:
    """encrypt() for a column of values (bulk writers): the random nonces in one draw."""
    aes, _ = _keys(settings.DATA_KEY)
    nonces = os.urandom(_NONCE * len(plaintexts))
    return [
        _seal(aes, nonces[i : i + _NONCE], text)
        for i, text in zip(range(0, len(nonces), _NONCE), plaintexts, strict=True)
    ]


def _open(data_key: str, blob: bytes, associated: bytes | None) -> bytes:
    aes, _ = _keys(data_key)
    return aes.decrypt(blob[:12], blob[12:], associated)


def _open_any(blob: bytes, associated: bytes | None) -> tuple[bytes, bool]:
    """(plaintext, True when only the old key opened it)."""
    try:
        return _open(settings.DATA_KEY, blob, associated), False
    except InvalidTag:
        if not settings.DATA_KEY_OLD:
            raise
    return _open(settings.DATA_KEY_OLD, blob, associated), True


def decrypt_rekey(token: str) -> tuple[str, bool]:
    """(plaintext, under_old_key): decrypt, and tell whether rotation must re-encrypt it."""
    if not token.startswith(_PREFIX):
        raise ValueError("unknown ciphertext version")
    plain, old = _open_any(base64.urlsafe_b64decode(token[len(_PREFIX) :]), None)
    return plain.decode("utf-8"), old


def decrypt(token: str) -> str:
    if not token.startswith(_PREFIX):
        raise ValueError("unknown ciphertext version")
    aes, _ = _keys(settings.DATA_KEY)
    blob = base64.urlsafe_b64decode(token[len(_PREFIX) :])
    try:
        return aes.decrypt(blob[:12], blob[12:], None).decode("utf-8")
    except InvalidTag:
        if not settings.DATA_KEY_OLD:
            raise
    return _open(settings.DATA_KEY_OLD, blob, None).decode("utf-8")


def encrypt_bytes(data: bytes, *, associated: bytes = b"") -> bytes:
    """nonce[12] + ciphertext+tag: for files the app writes and reads back itself."""
    aes, _ = _keys(settings.DATA_KEY)
    nonce = os.urandom(12)
    return nonce + aes.encrypt(nonce, data, associated or None)


def decrypt_bytes(blob: bytes, *, associated: bytes = b"") -> bytes:
    return _open_any(blob, associated or None)[0]


def key_fingerprint(data_key: str | None = None) -> str:
    """Names a data key without revealing it (backups, rotation records): 16 hex digits."""
    raw = base64.b64decode(data_key or settings.DATA_KEY)
    return hmac.new(raw, b"gonghui-key-fingerprint", hashlib.sha256).hexdigest()[:16]


# key fingerprint -> whether a finished rotation re-keyed the stored hashes to that key.
_REKEYED: dict[str, bool] = {}
# Asks the database that question (gonghui.core.rotation.rekeyed, set by CoreConfig.ready():
# the models are built on this module, so it cannot import them).
_rekeyed_check: Callable[[str], bool] | None = None


def rekeyed_check_set(check: Callable[[str], bool]) -> None:
    global _rekeyed_check
    _rekeyed_check = check


def lookup_key() -> str:
    """The key stored keyed hashes are made with: the current one, except during a rotation
    (an old key configured and the hashes not re-keyed yet). Asked once per process: the
    re-keying step runs only while no other process is connected."""
    if not settings.DATA_KEY_OLD:
        return settings.DATA_KEY
    fingerprint = key_fingerprint(settings.DATA_KEY)
    if fingerprint not in _REKEYED:
        if _rekeyed_check is None:
            raise RuntimeError("crypto.lookup_key before the core app is ready")
        _REKEYED[fingerprint] = _rekeyed_check(fingerprint)
    return settings.DATA_KEY if _REKEYED[fingerprint] else settings.DATA_KEY_OLD


def lookup_key_forget() -> None:
    """After a rotation finished (or in tests): ask the database again."""
    _REKEYED.clear()


def keyed_hash_with(value: str, data_key: str) -> str:
    mac = _keys(data_key)[1].copy()
    mac.update(value.encode("utf-8"))
    return mac.hexdigest()


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of a normalised value, hex: exact lookup and de-duplication."""
    mac = _keys(lookup_key() if settings.DATA_KEY_OLD else settings.DATA_KEY)[1].copy()
    mac.update(value.encode("utf-8"))
    return mac.hexdigest()


def keyed_hashes(values: Sequence[str]) -> list[str]:
    """keyed_hash() for a column of values."""
    _, template = _keys(lookup_key())
    out = []
    for value in values:
        mac = template.copy()
        mac.update(value.encode("utf-8"))
        out.append(mac.hexdigest())
    return out
