"""Persistence: the event log, its projections and the boards, on SQLite or PostgreSQL.

- database.py     engine (SQLite pragmas, BEGIN IMMEDIATE), sessions, metadata, migrate()
- models.py       the tables
- event_codec.py  events <-> JSON
- event_log.py    append / load / find_operation / last_seq, in the caller's transaction
- projection.py   the projection tables, one function per event type
- group_commit.py GroupCommitter: many appends, one transaction, acknowledged after commit
- direct.py       the SQLite writer's plain writes on the sqlite3 cursor, compiled once
- boards.py       board rows, expiry, and read_room() (the fold of the log)

Exceptions::

    Exception
    ├── SeqConflict           the numbers after expected_seq are taken: load and decide again
    ├── DuplicateOperation    the operation's cid is stored already: answer with its seq
    ├── JoinCodeTaken         another board has this join code: pick another one
    └── RuntimeError
        └── CommitterClosed   GroupCommitter.submit() while it is not running
    ValueError
    └── UnknownEventType      a stored type name that no event class has
"""

from app.store.boards import (
    BoardRecord,
    JoinCodeTaken,
    delete_board,
    get_board,
    get_board_by_code,
    insert_board,
    list_expired,
    read_room,
    touch,
)
from app.store.database import (
    create_engine,
    create_sessionmaker,
    metadata,
    migrate,
    read_only,
)
from app.store.event_codec import UnknownEventType, decode_event, encode_event
from app.store.event_log import (
    AppendRequest,
    DuplicateOperation,
    Reader,
    SeqConflict,
    append,
    find_operation,
    last_seq,
    load,
)
from app.store.group_commit import MAX_PENDING_APPENDS, CommitterClosed, GroupCommitter

__all__ = [
    "MAX_PENDING_APPENDS",
    "AppendRequest",
    "BoardRecord",
    "CommitterClosed",
    "DuplicateOperation",
    "GroupCommitter",
    "JoinCodeTaken",
    "Reader",
    "SeqConflict",
    "UnknownEventType",
    "append",
    "create_engine",
    "create_sessionmaker",
    "decode_event",
    "delete_board",
    "encode_event",
    "find_operation",
    "get_board",
    "get_board_by_code",
    "insert_board",
    "last_seq",
    "list_expired",
    "load",
    "metadata",
    "migrate",
    "read_only",
    "read_room",
    "touch",
]
