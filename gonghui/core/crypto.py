"""Encryption at rest (AES-256-GCM) and keyed hashes for exact lookup.

Ciphertext format: "v1:" + urlsafe-base64(nonce[12] + ciphertext+tag). The
version prefix lets a later key rotation re-encrypt lazily.
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

_PREFIX = "v1:"


@lru_cache(maxsize=4)
def _keys(data_key: str) -> tuple[AESGCM, bytes]:
    raw = base64.b64decode(data_key)
    if len(raw) != 32:
        raise ValueError("GONGHUI_DATA_KEY must be base64 of 32 bytes")
    # Separate sub-keys so the lookup hash never reveals anything about the cipher key.
    enc_key = hmac.new(raw, b"gonghui-encrypt", hashlib.sha256).digest()
    mac_key = hmac.new(raw, b"gonghui-lookup-hash", hashlib.sha256).digest()
    return AESGCM(enc_key), mac_key


def encrypt(plaintext: str) -> str:
    aes, _ = _keys(settings.DATA_KEY)
    nonce = os.urandom(12)
    sealed = aes.encrypt(nonce, plaintext.encode("utf-8"), None)
    return _PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


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
    _, mac_key = _keys(settings.DATA_KEY)
    return hmac.new(mac_key, value.encode("utf-8"), hashlib.sha256).hexdigest()
