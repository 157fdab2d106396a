// A colour legend drawn in SVG, for exports (the page shows its legends in HTML).

import {s, FONT} from './dom.js';


/** items: [{color, label, hatch?, stroke?}] laid out in rows within width. */
export function legendSvg(items, width) {
  const w = Math.max(240, width || 600);
  const row = 20;
  const out = [];
  let x = 0;
  let y = 0;
  for (const it of items) {
    const textW = it.label.length * 6.6 + 30;
    if (x > 0 && x + textW > w) {
      x = 0;
      y += row;
    }
    out.push(s('rect', {x: x + 1, y: y + 4, width: 12, height: 12, rx: 2, fill: it.hatch ? '#fbfbfa' : it.color,
      stroke: it.stroke || '#b8c0c9', 'stroke-width': 0.75}));
    if (it.hatch) {
      out.push(s('path', {d: `M${x + 1} ${y + 12}L${x + 9} ${y + 4}M${x + 5} ${y + 16}L${x + 13} ${y + 8}`, stroke: '#c7ced6'}));
    }
    out.push(s('text', {x: x + 19, y: y + 14.5, 'font-size': 11.5, fill: '#1d2530'}, it.label));
    x += textW;
  }
  const height = y + row + 2;
  return s('svg', {width: w, height, viewBox: `0 0 ${w} ${height}`, 'font-family': FONT}, out);
}
