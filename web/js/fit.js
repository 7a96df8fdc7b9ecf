// A shared screen is read, not scrolled. When what the room reads next to the circles is taller
// than its column (a 1280x720 or 1024x768 projector, a long list of plans), everything in it is
// drawn smaller, down to a smallest zoom (MIN_ZOOM unless told), instead of being cut off at the
// bottom where nobody scrolls. Below it the text would be too small to read from the back of a
// room: the column scrolls then, as it did before. The read-aloud card fits its note the same
// way (reader.js).
//
// The box's children carry `zoom: var(--fit-zoom, 1)` or a font size computed from it
// (screen.css); a binary search finds the largest zoom at which the box's content fits its
// height. It runs after every render and whenever the box changes size, all before the browser
// paints, so nothing flickers.

const MIN_ZOOM = 0.6;
const PRECISION = 0.01; // the search stops when the zoom is known this closely
const ZOOM_PROPERTY = '--fit-zoom';

/**
 * @param {HTMLElement} box a scroll container whose children take the zoom
 * @param {{minZoom?: number}} [options] the smallest zoom still readable
 */
export function createFitter(box, {minZoom = MIN_ZOOM} = {}) {
  const steps = Math.ceil(Math.log2((1 - minZoom) / PRECISION));
  let zoom = 1;

  function set(value) {
    zoom = value;
    if (value === 1) box.style.removeProperty(ZOOM_PROPERTY);
    else box.style.setProperty(ZOOM_PROPERTY, value.toFixed(3));
  }

  function overflows() {
    return box.scrollHeight > box.clientHeight + 1;
  }

  /** Draw the content as large as fits, and no smaller than the smallest zoom. */
  function fit() {
    if (box.clientHeight === 0) return; // not shown (the read-aloud card has its place)
    // At full size and fitting, nothing to do: one layout the page needed anyway. Once made
    // smaller, the content may have shrunk since (a card hidden), so search again.
    if (zoom === 1 && !overflows()) return;
    set(1);
    if (!overflows()) return;
    let fits = minZoom;
    let tooBig = 1;
    for (let i = 0; i < steps; i += 1) {
      const middle = (fits + tooBig) / 2;
      set(middle);
      if (overflows()) tooBig = middle;
      else fits = middle;
    }
    set(fits);
  }

  new ResizeObserver(fit).observe(box);
  return {fit};
}
