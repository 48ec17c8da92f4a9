"""Encryption at rest (AES-256-GCM) and keyed hashes for exact lookup.

Ciphertext format: "v1:" + urlsafe-base64(nonce[12] + ciphertext+tag). The
version prefix lets a later key rotation re-encrypt lazily.
"""

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Sequence
from functools import lru_cache

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


def decrypt(token: str) -> str:
    if not token.startswith(_PREFIX):
        raise ValueError("unknown ciphertext version")
    aes, _ = _keys(settings.DATA_KEY)
    blob = base64.urlsafe_b64decode(token[len(_PREFIX) :])
    return aes.decrypt(blob[:12], blob[12:], None).decode("utf-8")


def encrypt_bytes(data: bytes, *, associated: bytes = b"") -> bytes:
    """nonce[12] + ciphertext+tag: for files the app writes and reads back itself."""
    aes, _ = _keys(settings.DATA_KEY)
    nonce = os.urandom(12)
    return nonce + aes.encrypt(nonce, data, associated or None)


def decrypt_bytes(blob: bytes, *, associated: bytes = b"") -> bytes:
    aes, _ = _keys(settings.DATA_KEY)
    return aes.decrypt(blob[:12], blob[12:], associated or None)


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of a normalised value, hex: exact lookup and de-duplication."""
    _, template = _keys(settings.DATA_KEY)
    mac = template.copy()
    mac.update(value.encode("utf-8"))
    return mac.hexdigest()


def keyed_hashes(values: Sequence[str]) -> list[str]:
    """keyed_hash() for a column of values."""
    _, template = _keys(settings.DATA_KEY)
    out = []
    for value in values:
        mac = template.copy()
        mac.update(value.encode("utf-8"))
        out.append(mac.hexdigest())
    return out
