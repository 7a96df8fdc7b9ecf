// Keyed list rendering: a child node is rebuilt only when its item's signature changed, and
// kept (with its focus and any text being typed) otherwise.

/**
 * @param {HTMLElement} container
 * @returns {(items: any[], options: {key: (item: any) => string,
 *            signature: (item: any) => string, render: (item: any) => HTMLElement}) => void}
 */
export function keyedList(container) {
  /** @type {Map<string, {sig: string, node: HTMLElement}>} */
  let cache = new Map();
  return function update(items, {key, signature, render}) {
    const next = new Map();
    items.forEach((item, index) => {
      const k = key(item);
      const sig = signature(item);
      const cached = cache.get(k);
      const node = cached && cached.sig === sig ? cached.node : render(item);
      next.set(k, {sig, node});
      const current = container.children[index];
      if (current !== node) {
        if (cached && cached.node !== node && cached.node.parentNode === container) {
          container.replaceChild(node, cached.node);
        }
        if (container.children[index] !== node) container.insertBefore(node, current || null);
      }
    });
    for (const [k, entry] of cache) {
      if (!next.has(k) && entry.node.parentNode === container) container.removeChild(entry.node);
    }
    while (container.children.length > items.length) container.removeChild(container.lastChild);
    cache = next;
  };
}
