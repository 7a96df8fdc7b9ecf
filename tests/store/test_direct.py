"""The writer's direct road stores the same bytes SQLAlchemy would, and fails the same way."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy
import sqlalchemy.orm
from sqlalchemy import Connection, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from app.room import events as ev
from app.room.state import Circle, Language, Variant
from app.store import create_engine, event_log, metadata
from app.store.database import CURSOR_TRANSACTION_OPTION, sqlite_sync_engine
from app.store.direct import DirectConnection, direct
from app.store.event_codec import encode_event
from app.store.event_log import AppendRequest
from app.store.projection import project
from tests.store import another_writer_can_begin

TABLES = ("boards", "room_events", "notes", "participants")


def fresh(path: Path) -> sqlalchemy.Engine:
    engine = sqlalchemy.create_engine(f"sqlite+pysqlite:///{path}")
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            metadata.tables["boards"].insert(),
            {
                "room_id": "r",
                "join_code": "J",
                "facilitator_token_hash": "h",
                "epoch": "e",
                "created_at": datetime(2026, 1, 1, tzinfo=UTC),
                "last_activity_at": datetime(2026, 1, 1, tzinfo=UTC),
                "topic": "",
                "language": "nl",
                "variant": "team",
                "anonymous": False,
                "phase": "topic",
                "chosen_nid": None,
                "agreements": "",
            },
        )
    return engine


EVENTS: list[ev.Event] = [
    ev.BoardCreated("r", "Onderwerp", Variant.TEAM, Language.NL, anonymous=False),
    ev.ParticipantJoined("p1", "Ann", "hash"),
    ev.NoteAdded(nid="n1", author="p1", circle=Circle.INNER, text="Goed gedaan"),
    ev.NoteEdited("n1", "Beter"),
]


def write(connection: Connection | DirectConnection) -> None:
    for seq, event in enumerate(EVENTS, start=1):
        kind, payload = encode_event(event)
        connection.execute(
            metadata.tables["room_events"].insert(),
            [
                {
                    "room_id": "r",
                    "seq": seq,
                    "type": kind,
                    "payload": payload,
                    "cid": f"c{seq}",
                    "actor": "p1",
                    "created_at": datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
                }
            ],
        )
        project(connection, "r", seq, event)


def rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as raw:
        return {t: sorted(raw.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}


def test_the_direct_road_stores_what_sqlalchemy_stores(tmp_path: Path) -> None:
    plain, fast = fresh(tmp_path / "plain.db"), fresh(tmp_path / "fast.db")
    with plain.begin() as connection:
        write(connection)
    with fast.begin() as connection:
        road = direct(connection)
        assert isinstance(road, DirectConnection)
        write(road)
    assert rows(tmp_path / "fast.db") == rows(tmp_path / "plain.db")
    assert rows(tmp_path / "fast.db")["notes"], "the projection wrote nothing"


def test_a_broken_key_is_sqlalchemys_integrity_error_and_the_savepoint_undoes_it(
    tmp_path: Path,
) -> None:
    engine = fresh(tmp_path / "fast.db")
    request = AppendRequest("r", 0, EVENTS[:1], "c1", "facilitator")
    with engine.begin() as connection:
        assert event_log.append_sync(_session(connection), request) == 1
        road = direct(connection)
        with pytest.raises(IntegrityError), road.begin_nested():
            road.execute(
                metadata.tables["room_events"].insert(),
                {
                    "room_id": "r",
                    "seq": 2,
                    "type": "x",
                    "payload": "{}",
                    "cid": "c1",  # taken
                    "actor": None,
                    "created_at": datetime(2026, 1, 1, tzinfo=UTC),
                },
            )
        assert (
            event_log.append_sync(
                _session(connection), replace(request, expected_seq=1, events=EVENTS[1:2], cid="c2")
            )
            == 2
        )
    assert [r[1] for r in rows(tmp_path / "fast.db")["room_events"]] == [1, 2]


def _session(connection: Connection) -> sqlalchemy.orm.Session:
    return sqlalchemy.orm.Session(bind=connection)


def writer_connection(path: Path) -> Connection:
    """A connection set up as the group committer's writer sets up its own."""
    engine = sqlite_sync_engine(create_engine(f"sqlite+aiosqlite:///{path}"))
    return engine.connect().execution_options(**{CURSOR_TRANSACTION_OPTION: True})


def events_stored(connection: Connection) -> int:
    """Read through SQLAlchemy, not the cursor."""
    table = metadata.tables["room_events"]
    return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_a_transaction_on_the_cursor_holds_what_sqlalchemy_reads_inside_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "fast.db"
    fresh(path).dispose()
    connection = writer_connection(path)
    statements: list[str] = []
    raw = connection.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    raw.set_trace_callback(statements.append)
    road = DirectConnection(connection)
    try:
        with road.transaction():
            write(road)
            assert events_stored(connection) == 4  # the same transaction sees its writes
            assert not another_writer_can_begin(path)  # the write lock was taken at BEGIN
        assert not connection.in_transaction()
        assert another_writer_can_begin(path)
        assert statements.count("BEGIN IMMEDIATE") == 1  # none from SQLAlchemy's read
        assert statements[-1] == "COMMIT"
        assert len(rows(path)["room_events"]) == 4  # committed: another connection sees it

        with pytest.raises(RuntimeError, match="half-way"), road.transaction():
            road.execute(
                metadata.tables["notes"].delete().where(metadata.tables["notes"].c.nid == "n1")
            )
            assert events_stored(connection) == 4
            raise RuntimeError("half-way")
        assert not connection.in_transaction()
        assert another_writer_can_begin(path)
        assert rows(path)["notes"], "the rolled back delete stayed"
        with road.transaction():  # and the connection carries on
            assert events_stored(connection) == 4
    finally:
        connection.close()
        connection.engine.dispose()


def test_a_failing_commit_undoes_the_transaction(tmp_path: Path) -> None:
    path = tmp_path / "fast.db"
    fresh(path).dispose()
    connection = writer_connection(path)
    road = DirectConnection(connection)
    raw = connection.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)

    def no_commit(action: int, operation: str | None, *_: object) -> int:
        refused = action == sqlite3.SQLITE_TRANSACTION and operation == "COMMIT"
        return sqlite3.SQLITE_DENY if refused else sqlite3.SQLITE_OK

    try:
        with road.transaction():
            raw.set_authorizer(no_commit)  # the COMMIT is refused, as by a full disk
            write(road)
    except DBAPIError as refused:
        assert "not authorized" in str(refused)
    else:
        pytest.fail("the commit was refused, yet the transaction ended well")
    finally:
        raw.set_authorizer(None)
    try:
        assert not raw.in_transaction
        assert not connection.in_transaction()
        assert rows(path)["room_events"] == []
    finally:
        connection.close()
        connection.engine.dispose()


def test_only_a_connection_that_leaves_its_transactions_to_the_cursor_gets_one(
    tmp_path: Path,
) -> None:
    engine = fresh(tmp_path / "fast.db")
    try:
        with (
            engine.connect() as connection,
            pytest.raises(ValueError, match="cursor"),
            DirectConnection(connection).transaction(),
        ):
            pass
    finally:
        engine.dispose()
