"""Channel credentials at rest: Fernet (AES-128-CBC + HMAC) with keys from the environment.

``CREDENTIALS_KEYS`` holds one or more Fernet keys, newest first (MultiFernet): credentials are
encrypted with the first and decrypted with any, so keys can be rotated. Without it the key is
derived from SECRET_KEY (HKDF), which is fine until SECRET_KEY is rotated.
"""

from __future__ import annotations

import base64
import json
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@cache
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if keys:
        try:
            return MultiFernet([Fernet(key.encode()) for key in keys])
        except ValueError as exc:
            raise ImproperlyConfigured("CREDENTIALS_KEYS must be Fernet keys (32 url-safe base64 bytes).") from exc
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"coe-hub-credentials", info=b"fernet").derive(
        secret_key.encode()
    )
    return MultiFernet([Fernet(base64.urlsafe_b64encode(derived))])


def _box() -> MultiFernet:
    return _fernet(tuple(settings.CREDENTIALS_KEYS), settings.SECRET_KEY)


def encrypt_credentials(values: dict[str, str]) -> str:
    return _box().encrypt(json.dumps(values, sort_keys=True).encode()).decode()


def decrypt_credentials(token: str) -> dict[str, str]:
    if not token:
        return {}
    try:
        return json.loads(_box().decrypt(token.encode()))
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "Stored channel credentials cannot be decrypted: CREDENTIALS_KEYS (or SECRET_KEY) changed. "
            "Add the old key after the new one in CREDENTIALS_KEYS, or reconnect the channel."
        ) from exc


def mask_secret(value: str) -> str:
    """What people see of a secret: its length class and last four characters only."""
    if not value:
        return ""
    return f"••••{value[-4:]}" if len(value) > 8 else "••••"
