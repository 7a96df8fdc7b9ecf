// Exports: the server's Markdown, CSV and JSON and the follow-up summary (Markdown or PDF),
// fetched with the facilitator token and saved as a download; and a PNG picture of the circles
// drawn in the browser from the board's SVG.

const SIZE_SCALE = 2; // the picture is twice the viewBox size: sharp on slides and in print

/** Save `blob` as a file called `name`. */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function fileName(response, fallback) {
  const header = response.headers.get('Content-Disposition') || '';
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header);
  return match ? decodeURIComponent(match[1]) : fallback;
}

// What each download is called on the server: the board's exports and the follow-up summary.
const EXPORT_PATHS = {
  md: 'export.md',
  csv: 'export.csv',
  json: 'export.json',
  'summary.md': 'summary.md',
  'summary.pdf': 'summary.pdf',
};

/**
 * Download the board as Markdown, CSV or JSON, or its follow-up summary as Markdown or PDF.
 * @param {string} roomId
 * @param {string} token facilitator token
 * @param {'md'|'csv'|'json'|'summary.md'|'summary.pdf'} format
 * @param {string} baseName file name without extension
 */
export async function downloadExport(roomId, token, format, baseName) {
  const path = EXPORT_PATHS[format];
  if (!path) throw new Error(`unknown export: ${format}`);
  const response = await fetch(`/api/boards/${encodeURIComponent(roomId)}/${path}`, {
    headers: {Authorization: `Bearer ${token}`},
  });
  if (!response.ok) throw new Error(`export ${format}: HTTP ${response.status}`);
  const blob = await response.blob();
  saveBlob(blob, fileName(response, `${baseName}.${format}`));
}

// Presentation properties copied from the live page into the picture, so the projector mode,
// stylesheet colours and hidden parts come out as seen.
const PAINT = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'opacity',
  'font-size',
  'font-weight',
  'font-family',
  'letter-spacing',
  'text-anchor',
  'visibility',
];

function inlinePaint(source, copy) {
  if (source instanceof SVGElement) {
    const style = getComputedStyle(source);
    if (style.display === 'none') {
      copy.setAttribute('display', 'none');
      return;
    }
    for (const name of PAINT) {
      const value = style.getPropertyValue(name);
      if (value) copy.setAttribute(name, value);
    }
    // Positions are CSS transforms on the page; in the picture they are plain attributes.
    if (source.dataset && source.dataset.x !== undefined) {
      copy.setAttribute('transform', `translate(${source.dataset.x} ${source.dataset.y}) scale(${source.dataset.scale || 1})`);
    }
    copy.removeAttribute('style');
    copy.removeAttribute('class');
  }
  const sourceKids = source.children;
  const copyKids = copy.children;
  for (let i = 0; i < sourceKids.length; i += 1) inlinePaint(sourceKids[i], copyKids[i]);
}

/**
 * Draw the board SVG onto a canvas and save it as PNG.
 * @param {SVGSVGElement} board
 * @param {string} name file name
 * @param {string} background page colour behind the circles
 */
export async function downloadPng(board, name, background = '#ffffff') {
  const [, , width, height] = board.getAttribute('viewBox').split(/\s+/).map(Number);
  const copy = board.cloneNode(true);
  inlinePaint(board, copy);
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(width * SIZE_SCALE));
  copy.setAttribute('height', String(height * SIZE_SCALE));
  const markup = new XMLSerializer().serializeToString(copy);
  const url = URL.createObjectURL(new Blob([markup], {type: 'image/svg+xml;charset=utf-8'}));
  try {
    const image = new Image();
    image.decoding = 'sync';
    await new Promise((resolve, reject) => {
      image.onload = resolve;
      image.onerror = () => reject(new Error('the picture could not be drawn'));
      image.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = width * SIZE_SCALE;
    canvas.height = height * SIZE_SCALE;
    const context = canvas.getContext('2d');
    context.fillStyle = background;
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve, reject) => {
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('no PNG'))), 'image/png');
    });
    saveBlob(blob, name);
  } finally {
    URL.revokeObjectURL(url);
  }
}
