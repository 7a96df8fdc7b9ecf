"""Persistence: the event log, its projections and the boards, on SQLite or PostgreSQL."""

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
