"""The one token signer: signed, expiring links for invitations, resets, refresh requests
and answers. Each purpose has its own salt, so a token for one cannot open another."""

from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class InvalidToken(Exception):
    """The link is malformed, tampered with, for another purpose, or expired."""

    def __init__(self, expired: bool = False, payload: Any = None) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired
        # An expired link's content is still authentic (the signature held): whose it was
        # tells the "link expired" page which language to speak.
        self.payload = payload if expired else None


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"puerto.{purpose}")


def sign(purpose: str, payload: Any) -> str:
    return _serializer(purpose).dumps(payload)


def verify(purpose: str, token: str, max_age: int | None) -> Any:
    serializer = _serializer(purpose)
    try:
        return serializer.loads(token, max_age=max_age)
    except SignatureExpired as exc:
        authentic, payload = serializer.loads_unsafe(token)  # the signature held
        raise InvalidToken(expired=True, payload=payload if authentic else None) from exc
    except BadSignature as exc:
        raise InvalidToken() from exc
