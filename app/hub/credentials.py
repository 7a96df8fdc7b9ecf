"""Secrets: room ids, join codes, facilitator and participant tokens. Only hashes are stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from app.room.limits import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH


def new_room_id() -> str:
    return "r" + secrets.token_urlsafe(9)


def new_pid() -> str:
    return "p" + secrets.token_urlsafe(9)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def new_epoch() -> str:
    return secrets.token_hex(8)


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_code(code: str) -> str:
    """What people type (any case, dashes and spaces) to the stored form."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, token_hash: str) -> bool:
    return hmac.compare_digest(hash_token(token), token_hash)
