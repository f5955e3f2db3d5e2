"""Encryption at rest for sensitive attributes: Fernet with a key derived from
``settings.QUNTUAN_FIELD_KEY``, and a keyed hash (HMAC-SHA256) per value for equality matching."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _material(purpose: bytes) -> bytes:
    return hashlib.sha256(purpose + b":" + settings.QUNTUAN_FIELD_KEY.encode("utf-8")).digest()


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_material(b"quntuan-fernet")))


def encrypt(data: dict) -> str:
    if not data:
        return ""
    raw = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return _fernet(settings.QUNTUAN_FIELD_KEY).encrypt(raw).decode("ascii")


def decrypt(token: str) -> dict:
    if not token:
        return {}
    try:
        return json.loads(_fernet(settings.QUNTUAN_FIELD_KEY).decrypt(token.encode("ascii")))
    except (InvalidToken, ValueError):
        return {}


def keyed_hash(field: str, value: str) -> str:
    """The same (field, value) always gives the same 64 hex characters; without the key it
    reveals nothing."""
    if not value:
        return ""
    return hmac.new(_material(b"quntuan-hmac"), f"{field}={value}".encode(), hashlib.sha256).hexdigest()
