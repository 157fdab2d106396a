// Small DOM helpers. The server's Content-Security-Policy forbids inline styles and handlers,
// so elements are built here, never from HTML strings, and styled by class (or element.style).

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The fonts drawings name (no font is fetched: these are the system's). */
export const MONO = 'ui-monospace, DejaVu Sans Mono, Liberation Mono, Menlo, Consolas, monospace';
export const FONT = 'system-ui, -apple-system, Segoe UI, DejaVu Sans, Liberation Sans, sans-serif';

function append(el, child) {
  if (child === null || child === undefined || child === false) {
    return;
  }
  if (Array.isArray(child)) {
    child.forEach(c => append(el, c));
  } else if (child instanceof Node) {
    el.appendChild(child);
  } else {
    el.appendChild(document.createTextNode(String(child)));
  }
}

function build(el, attrs, children) {
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) {
        continue;
      }
      if (k === 'class') {
        el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
      } else if (k === 'text') {
        el.textContent = v;
      } else if (k === 'on') {
        for (const [type, fn] of Object.entries(v)) {
          el.addEventListener(type, fn);
        }
      } else if (k === 'data') {
        for (const [dk, dv] of Object.entries(v)) {
          el.dataset[dk] = dv;
        }
      } else if (k === 'style') {
        throw new Error('no style attributes: the page runs under a strict CSP');
      } else {
        el.setAttribute(k, v === true ? '' : String(v));
      }
    }
  }
  append(el, children);
  return el;
}

/** An HTML element: h('div', {class: 'x', on: {click: f}}, 'text', child, [more]). */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element, with presentation attributes (fill=, stroke=) so that exports keep their look. */
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

export function clear(el) {
  while (el.firstChild) {
    el.removeChild(el.firstChild);
  }
  return el;
}

/** Replaces the children of el. */
export function fill(el, ...children) {
  clear(el);
  append(el, children);
  return el;
}

/** 0x-prefixed, upper-case, zero-padded to digits. */
export function hex(value, digits = 8) {
  const v = Number(value);
  if (!Number.isFinite(v)) {
    return String(value);
  }
  return '0x' + Math.trunc(v).toString(16).toUpperCase().padStart(digits, '0');
}

/** A virtual or physical address typed by a person: hexadecimal, with or without 0x; null when not. */
export function parseAddress(text) {
  const t = String(text).trim().replace(/[_\s]/g, '').replace(/^0[xX]/, '');
  if (!/^[0-9a-fA-F]{1,8}$/.test(t)) {
    return null;
  }
  return parseInt(t, 16);
}

export function bytes(n) {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1 && v % 1024 === 0) {
    v /= 1024;
    u++;
  }
  if (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
    return v.toFixed(1) + ' ' + units[u];
  }
  return v + ' ' + units[u];
}

export function plural(n, word, many) {
  return n + ' ' + (n === 1 ? word : (many || word + 's'));
}

export function num(n) {
  return Number(n).toLocaleString('en-US');
}

// ------------------------------------------------------------------ tooltip

let tip = null;

/** Shows the floating tooltip near the pointer of event ev. */
export function showTip(ev, ...content) {
  tip = tip || document.getElementById('tip');
  fill(tip, ...content);
  tip.hidden = false;
  moveTip(ev);
}

export function moveTip(ev) {
  if (!tip || tip.hidden) {
    return;
  }
  const pad = 14;
  const w = tip.offsetWidth;
  const hgt = tip.offsetHeight;
  let x = ev.clientX + pad;
  let y = ev.clientY + pad;
  if (x + w > window.innerWidth - 8) {
    x = Math.max(8, ev.clientX - w - pad);
  }
  if (y + hgt > window.innerHeight - 8) {
    y = Math.max(8, ev.clientY - hgt - pad);
  }
  tip.style.left = x + 'px';
  tip.style.top = y + 'px';
}

export function hideTip() {
  if (tip) {
    tip.hidden = true;
  }
}

/** The pointer of ev in svg's own units (the drawing may be scaled to fit its box). */
export function svgPoint(svg, ev) {
  const box = svg.getBoundingClientRect();
  const w = Number(svg.getAttribute('width')) || box.width;
  const hgt = Number(svg.getAttribute('height')) || box.height;
  return {
    x: (ev.clientX - box.left) * (box.width ? w / box.width : 1),
    y: (ev.clientY - box.top) * (box.height ? hgt / box.height : 1),
  };
}

/**
 * A colour swatch. Its colour is set through the CSSOM (element.style), which the page's CSP
 * allows, unlike a style attribute.
 */
export function swatch(color, hatched) {
  const el = h('span', {class: ['swatch', hatched ? 'hatched' : null], 'aria-hidden': 'true', data: {color}});
  el.style.backgroundColor = color;
  return el;
}

/** A titled card. */
export function card(title, ...children) {
  return h('div', {class: 'card'}, title ? h('h3', null, title) : null, children);
}

/** A label: value line for fact lists. */
export function fact(label, value, cls) {
  return h('div', {class: ['fact', cls]}, h('span', {class: 'k'}, label), h('span', {class: 'v'}, value));
}
