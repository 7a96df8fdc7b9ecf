// Phase timer arithmetic on the server's clock. The server sends `now` with welcome, snapshot
// and pong; the store keeps `serverOffsetMs = serverNow - localNow`, so a deadline in server
// time is compared with `Date.now() + serverOffsetMs`, whatever the device's clock says.

/**
 * Milliseconds left on a board timer, or null when there is none.
 * @param {null | {deadline_ms: number|null, remaining_ms: number|null, running: boolean}} timer
 * @param {number} serverOffsetMs
 * @param {number} [localNow]
 */
export function remainingMs(timer, serverOffsetMs, localNow = Date.now()) {
  if (!timer) return null;
  if (timer.running && typeof timer.deadline_ms === 'number') {
    return Math.max(0, timer.deadline_ms - (localNow + serverOffsetMs));
  }
  return Math.max(0, timer.remaining_ms ?? 0);
}

/** "4:05" for 245000 ms; rounds up so "0:00" means the time is really up. */
export function formatClock(ms) {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** Whether writing is locked because a locking timer ran out. */
export function writingLocked(timer, serverOffsetMs, localNow = Date.now()) {
  return Boolean(timer && timer.lock_writing && remainingMs(timer, serverOffsetMs, localNow) === 0);
}
