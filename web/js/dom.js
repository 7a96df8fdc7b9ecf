// The only helpers that build DOM nodes. User text always ends up as a text node, never as
// markup: there is no innerHTML anywhere in Cirkelbord, and the CSP forbids inline styles, so
// `style` is only accepted as an object and applied through the CSSOM.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** @typedef {string | number | Node | null | undefined | false | Child[]} Child */

/**
 * Create an HTML element.
 *
 *   el('button', {class: 'primary', 'aria-label': 'Send', on: {click: send}}, 'Send')
 *
 * attrs: `class` (string or array), `id`, aria-* and data-* and any plain attribute;
 * `on: {event: handler}`; `style: {prop: value}`; `value` / `checked` / `selected` / `disabled`
 * / `hidden` are set as properties. `true` gives an empty attribute, `false`/`null` none.
 * String and number children become text nodes; arrays are flattened; null/false are skipped.
 *
 * @param {string} tag
 * @param {Record<string, any>} [attrs]
 * @param {...Child} children
 * @returns {HTMLElement}
 */
export function el(tag, attrs = {}, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/**
 * Create an SVG element (in the SVG namespace), same attrs and children as el().
 *
 * @param {string} tag
 * @param {Record<string, any>} [attrs]
 * @param {...Child} children
 * @returns {SVGElement}
 */
export function svg(tag, attrs = {}, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** Remove every child of `node`; returns the node. */
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/** Replace the children of `node` with `children` (same rules as el()). */
export function replaceChildren(node, ...children) {
  clear(node);
  append(node, children);
  return node;
}

const PROPERTIES = new Set(['value', 'checked', 'selected', 'disabled', 'hidden', 'indeterminate']);

function build(node, attrs, children) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) {
      if (PROPERTIES.has(name) && name in node) node[name] = false;
      continue;
    }
    if (name === 'on') {
      for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    } else if (name === 'class') {
      const names = Array.isArray(value) ? value.filter(Boolean).join(' ') : String(value);
      if (names) node.setAttribute('class', names);
    } else if (name === 'style') {
      if (typeof value !== 'object') throw new TypeError('style must be an object (CSP forbids style attributes)');
      for (const [prop, v] of Object.entries(value)) {
        if (prop.startsWith('--')) node.style.setProperty(prop, String(v));
        else node.style[prop] = v;
      }
    } else if (PROPERTIES.has(name) && name in node) {
      node[name] = value;
    } else if (value === true) {
      node.setAttribute(name, '');
    } else {
      node.setAttribute(name, String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else if (child instanceof Node) node.appendChild(child);
    else node.appendChild(document.createTextNode(String(child)));
  }
}
