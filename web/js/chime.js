// A soft two-note chime when the time on the big clock runs out, so that a facilitator who is
// looking at the room rather than at the screen hears it. Made with the Web Audio API: no sound
// file to load. Browsers only let a page sound once someone has clicked or typed on it: the
// facilitator's page has been; a read-only screen nobody touches stays silent (and is not given
// the chime, so a room with both does not hear it twice). Whether it sounds is this device's
// choice, kept like the language.

const KEY = 'cirkelbord.chime';
const NOTES_HZ = [659.25, 987.77]; // E5 and the B5 above it
const NOTE_GAP_S = 0.18;
const NOTE_LENGTH_S = 1.4;
const VOLUME = 0.2;

let context = null;

export function chimeWanted() {
  try {
    return localStorage.getItem(KEY) !== 'off';
  } catch {
    return true;
  }
}

export function setChimeWanted(on) {
  try {
    if (on) localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, 'off');
  } catch {
    // no storage: the choice lasts as long as the page
  }
}

/** Sound the chime, if wanted and allowed; never throws (a silent page is still a page). */
export function chime() {
  if (!chimeWanted() || navigator.userActivation?.hasBeenActive === false) return;
  try {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    context ??= new Context();
    if (context.state === 'suspended') context.resume().catch(() => {});
    const start = context.currentTime + 0.05;
    NOTES_HZ.forEach((hz, i) => {
      const at = start + i * NOTE_GAP_S;
      const tone = context.createOscillator();
      const level = context.createGain();
      tone.type = 'sine';
      tone.frequency.value = hz;
      level.gain.setValueAtTime(0.0001, at);
      level.gain.exponentialRampToValueAtTime(VOLUME, at + 0.02);
      level.gain.exponentialRampToValueAtTime(0.0001, at + NOTE_LENGTH_S);
      tone.connect(level).connect(context.destination);
      tone.start(at);
      tone.stop(at + NOTE_LENGTH_S);
    });
  } catch (error) {
    console.warn('chime:', error);
  }
}
