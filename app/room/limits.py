"""Every limit of the room, as a named constant; the welcome tells each client the numbers.

Each one has a test that crosses it. The transport's own (how long a new connection may take
to say hello) live with the endpoint in app/realtime.
"""

from __future__ import annotations

from typing import Final

# Ids the clients make (notes, plans, operations) and duo codes
MAX_ID_LENGTH: Final = 64
MIN_PAIR_CODE: Final = 3
MAX_PAIR_CODE: Final = 12

# Notes and texts (counted in characters after trimming surrounding white space)
MAX_NOTE_LENGTH: Final = 280
MAX_NOTES_PER_PARTICIPANT: Final = 50  # in one meeting (its rounds together)
MAX_TOPIC_LENGTH: Final = 200
MAX_NAME_LENGTH: Final = 40
MAX_PLAN_FIELD_LENGTH: Final = 280
MAX_REFLECTION_LENGTH: Final = 500
MAX_AGREEMENTS_LENGTH: Final = 2000
MAX_PLANS_PER_ROOM: Final = 100

# Follow-up meetings on one board (the first meeting counts)
MAX_MEETINGS_PER_BOARD: Final = 50

# People and rooms
MAX_PARTICIPANTS_PER_ROOM: Final = 300
MAX_CONNECTIONS_PER_ROOM: Final = 400
MAX_LIVE_ROOMS_PER_PROCESS: Final = 2000

# Dot voting
DEFAULT_DOTS_PER_PARTICIPANT: Final = 3
MAX_DOTS_PER_PARTICIPANT: Final = 10

# Timers
MAX_TIMER_SECONDS: Final = 3 * 60 * 60
MIN_TIMER_SECONDS: Final = 10

# Agenda: the planned minutes of each part of the meeting
MIN_PART_MINUTES: Final = 1
MAX_PART_MINUTES: Final = 180

# Scale question
SCALE_MIN: Final = 0
SCALE_MAX: Final = 10

# Wire (enforced by the transport)
MAX_MESSAGE_BYTES: Final = 16 * 1024
MAX_FRAME_BYTES: Final = 64 * 1024
MESSAGES_PER_SECOND: Final = 20
MESSAGE_BURST: Final = 40
SEND_QUEUE_LIMIT: Final = 256
RECEIVED_BEFORE_PAUSE: Final = 8  # messages waiting for the app before a socket stops being read
REPLAY_LIMIT: Final = 500

# Typing a note (volatile, app/hub/presence.py): a phone says so at most this often, and counts
# as typing this long after its last word. A page sends the signal only to a server whose
# welcome names WRITING_SIGNAL_SECONDS among its limits.
WRITING_SIGNAL_SECONDS: Final = 3
WRITING_FRESH_SECONDS: Final = 8

# Join codes: JOIN_CODE_LENGTH characters from JOIN_CODE_ALPHABET; see docs/architecture.md for
# why guessing one at CODE_GUESSES_PER_MINUTE is hopeless.
JOIN_CODE_ALPHABET: Final = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
JOIN_CODE_LENGTH: Final = 10
CODE_GUESSES_PER_MINUTE: Final = 10

# Duo boards: one interviewee's sheet
MAX_ACTIVITY_LENGTH: Final = 200
MAX_SMALL_STEP_LENGTH: Final = 280
MAX_NOTES_PER_SHEET: Final = 50
