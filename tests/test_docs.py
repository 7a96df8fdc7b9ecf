"""The docs stay true: every error code, limit, message type, close code and setting is in them."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import Settings
from app.realtime import protocol
from app.room import limits
from app.room.errors import ErrorCode

ROOT = Path(__file__).resolve().parent.parent
PROTOCOL = (ROOT / "docs" / "protocol.md").read_text()
README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize("code", list(ErrorCode), ids=str)
def test_every_error_code_is_documented(code: ErrorCode) -> None:
    assert f"| `{code.value}` |" in PROTOCOL


@pytest.mark.parametrize(
    "name", [n for n in dir(limits) if n.isupper() and isinstance(getattr(limits, n), int)]
)
def test_every_limit_is_documented_with_its_value(name: str) -> None:
    table = PROTOCOL.split("<!-- limits -->")[1].split("<!-- /limits -->")[0]
    line = next((ln for ln in table.splitlines() if f"`{name}`" in ln), None)
    assert line is not None, f"{name} is not in the limits table"
    assert str(getattr(limits, name)) in line


@pytest.mark.parametrize("kind", protocol.COMMAND_TYPES)
def test_every_command_is_documented(kind: str) -> None:
    assert f"`{kind}`" in PROTOCOL


@pytest.mark.parametrize("kind", protocol.SERVER_TYPES)
def test_every_server_message_is_documented(kind: str) -> None:
    assert f'"type": "{kind}"' in PROTOCOL or f"`{kind}`" in PROTOCOL


@pytest.mark.parametrize(
    "code", [v for k, v in vars(protocol.CloseCode).items() if k.isupper()], ids=str
)
def test_every_close_code_is_documented(code: int) -> None:
    assert f"| {code} |" in PROTOCOL


@pytest.mark.parametrize("field", list(Settings.model_fields))
def test_every_setting_is_in_the_readme(field: str) -> None:
    assert f"`CIRKELBORD_{field.upper()}`" in README


def test_readme_opens_with_the_two_commands() -> None:
    block = README.split("```")[1]
    commands = [ln.split("#")[0].strip() for ln in block.splitlines()[1:] if ln.strip()]
    assert commands == ["./scripts/run", "./scripts/test"]
