// Exports: a view's drawing as SVG (serialized) or PNG (the SVG drawn on a canvas), tables as
// CSV. Drawings use presentation attributes (fill=, stroke=, font-family=), never CSS classes, for
// what they look like, so that the exported file looks as the page does.

import {s, h, FONT} from './dom.js';


function size(svg) {
  const w = Number(svg.getAttribute('width')) || svg.getBoundingClientRect().width || 600;
  const hgt = Number(svg.getAttribute('height')) || svg.getBoundingClientRect().height || 400;
  return [Math.ceil(w), Math.ceil(hgt)];
}

/**
 * One SVG of the given drawings stacked top to bottom under a title, on white.
 * parts: SVG elements (each with width and height attributes) or null.
 */
export function stack(title, parts) {
  const list = parts.filter(Boolean);
  const gap = 16;
  const margin = 16;
  let width = 0;
  let y = margin + (title ? 26 : 0);
  const placed = [];
  for (const p of list) {
    const [w, hgt] = size(p);
    const copy = p.cloneNode(true);
    copy.removeAttribute('class');
    copy.removeAttribute('id');
    copy.setAttribute('x', String(margin));
    copy.setAttribute('y', String(y));
    copy.setAttribute('width', String(w));
    copy.setAttribute('height', String(hgt));
    if (!copy.getAttribute('viewBox')) {
      copy.setAttribute('viewBox', `0 0 ${w} ${hgt}`);
    }
    placed.push(copy);
    width = Math.max(width, w);
    y += hgt + gap;
  }
  const total = y - gap + margin;
  width += 2 * margin;
  return s('svg', {xmlns: 'http://www.w3.org/2000/svg', width, height: total, viewBox: `0 0 ${width} ${total}`,
      'font-family': FONT},
    s('rect', {x: 0, y: 0, width, height: total, fill: '#ffffff'}),
    title ? s('text', {x: margin, y: margin + 14, 'font-size': 15, 'font-weight': 600, fill: '#1d2530'}, title) : null,
    placed);
}

function svgText(svg) {
  const copy = svg.cloneNode(true);
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('xmlns:xlink', 'http://www.w3.org/1999/xlink');
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(copy);
}

/** Follows a link as a download (name '' keeps the server's file name). */
function follow(href, name) {
  const a = h('a', {href, download: name});
  document.body.appendChild(a);
  a.click();
  a.remove();
}

function download(blob, name) {
  const url = URL.createObjectURL(blob);
  follow(url, name);
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function saveSvg(svg, name) {
  const text = svgText(svg);
  download(new Blob([text], {type: 'image/svg+xml'}), name + '.svg');
  return text.length;
}

/** Draws svg on a canvas at twice its size; resolves to the PNG blob. */
function pngBlob(svg) {
  const [w, hgt] = size(svg);
  const url = URL.createObjectURL(new Blob([svgText(svg)], {type: 'image/svg+xml'}));
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => {
      const scale = 2;
      const canvas = h('canvas', {width: w * scale, height: hgt * scale});
      const g = canvas.getContext('2d');
      g.fillStyle = '#ffffff';
      g.fillRect(0, 0, canvas.width, canvas.height);
      g.scale(scale, scale);
      g.drawImage(img, 0, 0, w, hgt);
      URL.revokeObjectURL(url);
      canvas.toBlob(b => (b ? resolve(b) : reject(new Error('the canvas made no PNG'))), 'image/png');
    };
    img.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error('the browser could not draw the SVG'));
    };
    img.src = url;
  });
}

async function savePng(svg, name) {
  const blob = await pngBlob(svg);
  download(blob, name + '.png');
  return blob.size;
}

function csvField(v) {
  const t = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(t) ? '"' + t.replace(/"/g, '""') + '"' : t;
}

/** CSV text of rows (arrays), the first being the header. */
function csv(rows) {
  return rows.map(r => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function saveCsv(rows, name) {
  download(new Blob([csv(rows)], {type: 'text/csv'}), name + '.csv');
}

/**
 * The export buttons of a view: SVG and PNG of what drawing() returns, and CSV from csv()
 * (name: the file name without extension, or a function giving it)
 * (rows, or a URL string of the server's CSV). Reports its last export in data-exported (for tests).
 */
export function exportBar(name, drawing, csvSource, onError) {
  const fileName = () => (typeof name === 'function' ? name() : name);
  const bar = h('div', {class: 'export', role: 'group', 'aria-label': 'export'});
  const note = (what, size) => {
    bar.dataset.exported = what + ':' + size;
  };
  const guard = fn => async () => {
    try {
      await fn();
    } catch (e) {
      onError(e);
    }
  };
  bar.append(h('span', {class: 'label'}, 'export'),
    h('button', {type: 'button', class: 'export-svg', on: {click: guard(() => note('svg', saveSvg(drawing(), fileName())))}}, 'SVG'),
    h('button', {type: 'button', class: 'export-png', on: {click: guard(async () => note('png', await savePng(drawing(), fileName())))}}, 'PNG'));
  if (csvSource) {
    bar.append(h('button', {type: 'button', class: 'export-csv', on: {click: guard(() => {
      const src = csvSource();
      if (typeof src === 'string') {
        follow(src, '');
        note('csv', src);
      } else {
        saveCsv(src.rows, src.name || fileName());
        note('csv', src.rows.length);
      }
    })}}, 'CSV'));
  }
  return bar;
}
