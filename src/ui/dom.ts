/**
 * Building DOM without a framework. Text always goes in through textContent: attribute values come
 * from deliveries and are untrusted, so nothing here ever parses HTML.
 */
type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, '').toLowerCase(), value);
    else if (name === 'className') el.className = String(value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return el;
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

export function formatNumber(m: number | null, digits = 2): string {
  return m === null || !Number.isFinite(m) ? '—' : m.toFixed(digits);
}

export function formatMetres(m: number | null, digits = 2): string {
  return m === null || !Number.isFinite(m) ? '—' : `${formatNumber(m, digits)} m`;
}

/** Element.append that skips the null/false a conditional child leaves behind. */
export function appendAll(root: Element, ...children: (Node | string | null | undefined | false)[]): void {
  for (const c of children) if (c !== null && c !== undefined && c !== false) root.append(c);
}

/** A form field: its label above the input (and, when given, the refusal that names it). */
export function field(label: string, input: HTMLElement, error: HTMLElement | null = null): HTMLElement {
  return h('label', { className: 'field' }, h('span', {}, label), input, error);
}
