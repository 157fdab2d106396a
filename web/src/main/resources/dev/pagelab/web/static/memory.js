// Physical memory: every frame a cell coloured by its owner, drawn as runs (one rectangle per
// row a run covers, never one node a frame), so that a 4 GiB map (1,048,576 frames) costs what
// its runs cost. A strip shows the whole map and the window the grid shows; the grid zooms from
// the whole map down to single frames.
//
// The server answers at most a budget of rows (maxRuns): when a range holds more runs than that,
// its rows are buckets ("summary": true), runs where a bucket holds one owner and otherwise
// [start, end, dominant owner, dominant pid, {owner: frames}], drawn in their dominant owner's
// colour, lighter. The whole map's answer (mem) draws the strip, the
// legend and the counts; once the grid shows a range that the buckets cut too coarsely (it spans
// at most half the budget of them, so asking again gives finer ones), the grid asks the server for
// that range alone (detail) and draws its rows, exact runs when they fit.

import {api, sessionPath} from './api.js';
import {state, currentEvent, ownerColor, ownerLabel, processColor, runColor, inkOn} from './store.js';
import {h, s, fill, hex, bytes, num, plural, showTip, moveTip, hideTip, card, fact, parseAddress, svgPoint, swatch, MONO} from './dom.js';
import {exportBar, stack} from './export.js';
import {legendSvg} from './legend.js';

const GUTTER = 92;
const MIN_LEN = 32;
const MAX_CELL = 56;
const ACCENT = '#d6336c';

export function createMemoryView(panel, ctx) {
  const ui = {
    summary: h('p', {id: 'mem-summary', class: 'lede'}),
    overview: h('div', {id: 'mem-overview', class: 'overview'}),
    range: h('span', {id: 'mem-range', class: 'range mono'}),
    map: h('div', {id: 'mem-map', class: 'map'}),
    frame: h('div', {id: 'mem-frame', class: 'frame-detail'}),
    legend: h('div', {id: 'mem-legend', class: 'legend'}),
    allocator: h('div', {id: 'mem-allocator'}),
    changes: h('div', {id: 'mem-changes'}),
    goto: h('input', {id: 'mem-goto', type: 'text', class: 'mono', placeholder: '0x00242000', size: 12,
      'aria-label': 'physical address to show'}),
  };
  let mem = null;
  let detail = null;
  let detailToken = 0;
  let detailTimer = null;
  let range = null;
  let selected = null;
  let focus = null;
  let token = 0;
  let selectToken = 0;
  const frameCache = new Map();
  let hoverTimer = null;
  let drag = null;

  const zoomButtons = h('div', {class: 'zoom'},
    h('button', {type: 'button', id: 'mem-zoom-in', title: 'zoom in (or the mouse wheel over the map)',
      on: {click: () => zoomAround(selected !== null ? selected : center(), 4)}}, 'zoom in'),
    h('button', {type: 'button', id: 'mem-zoom-out', on: {click: () => zoomAround(center(), 0.25)}}, 'zoom out'),
    h('button', {type: 'button', id: 'mem-fit', title: 'the frames the kernel manages',
      on: {click: () => setRange(0, ramExtent())}}, 'RAM'),
    h('button', {type: 'button', id: 'mem-all', title: 'every frame up to the top of the map',
      on: {click: () => setRange(0, mem.topPfn)}}, 'whole map'),
    h('form', {class: 'goto', on: {submit: ev => {
      ev.preventDefault();
      goTo();
    }}}, h('label', null, 'go to ', ui.goto), h('button', {type: 'submit'}, 'show')));

  fill(panel,
    h('div', {class: 'view-head'}, h('h2', null, 'Physical memory'), ui.summary,
      exportBar(() => 'memory-step-' + state.step, drawing, () => sessionPath(state.session, '/memory.csv', state.step), ctx.showError)),
    h('div', {class: 'card'}, ui.overview, h('div', {class: 'zoombar'}, zoomButtons, ui.range)),
    h('div', {class: 'split'},
      h('div', {class: 'card map-card'}, ui.map,
        h('p', {class: 'hint'}, 'Hover a cell for its frame; click it to see who maps it. Wheel to zoom, drag across cells to zoom to them.')),
      h('aside', {class: 'side'},
        card('Frame', ui.frame),
        card('Owners', ui.legend),
        card('This step', ui.changes),
        card('Allocator', ui.allocator))));
  fill(ui.frame, h('p', {class: 'muted'}, 'Click a frame in the map.'));

  function center() {
    return range.start + Math.floor(range.len / 2);
  }

  function ramExtent() {
    const end = mem.ramEndPfn;
    let len = MIN_LEN;
    while (len < end) {
      len *= 2;
    }
    return Math.min(len, mem.topPfn);
  }

  function setRange(start, len) {
    const top = mem.topPfn;
    const l = Math.max(Math.min(Math.round(len), top), Math.min(MIN_LEN, top));
    const st = Math.max(0, Math.min(Math.round(start), top - l));
    range = {start: st, len: l};
    draw();
    clearTimeout(detailTimer);
    if (needsDetail()) {
      // while the wheel turns or the drag goes on, ask once it rests
      detailTimer = setTimeout(() => refine().then(found => found && draw()), 120);
    }
  }

  // ---------------------------------------------------------------- rows, exact or summed up

  /** The end of the range the grid shows. */
  function viewEnd() {
    return Math.min(mem.topPfn, range.start + range.len);
  }

  /** The answer whose rows draw the grid: the detail when it covers the view, else the whole map's. */
  function rowsData() {
    return detail && detail.fromPfn <= range.start && viewEnd() <= detail.toPfn ? detail : mem;
  }

  /** Whether the grid's rows are buckets the server would cut finer for the range the grid shows. */
  function needsDetail() {
    const data = rowsData();
    if (!data.summary || (data.fromPfn === range.start && data.toPfn === viewEnd())) {
      return false;
    }
    return (viewEnd() - range.start) / data.bucketFrames <= data.maxRuns / 2;
  }

  /** Asks the server for the rows of the range the grid shows; resolves to whether they arrived for it. */
  async function refine() {
    const mine = ++detailToken;
    const from = range.start;
    const to = viewEnd();
    try {
      const data = await api(sessionPath(state.session, '/memory', state.step, {from, to}));
      if (mine !== detailToken) {
        return false;
      }
      detail = data;
      return true;
    } catch (err) {
      ctx.showError(err.message);
      return false;
    }
  }

  /** Whether a row is a bucket of several owners (or processes), not a run. */
  function mixed(row) {
    return row.length > 4;
  }

  function zoomAround(pfn, factor) {
    const len = range.len / factor;
    setRange(pfn - (pfn - range.start) / factor, len);
  }

  function goTo() {
    const paddr = parseAddress(ui.goto.value);
    if (paddr === null) {
      ctx.showError('go to: "' + ui.goto.value + '" is not a physical address: expected hexadecimal, e.g. 0x00242000');
      return;
    }
    const pfn = Math.floor(paddr / 4096);
    if (pfn >= mem.topPfn) {
      ctx.showError('go to: ' + hex(paddr) + ' is above the map, which ends at ' + hex(mem.topPfn * 4096 - 1));
      return;
    }
    if (pfn < range.start || pfn >= range.start + range.len) {
      const len = Math.min(range.len, 256);
      setRange(Math.floor(pfn / len) * len, len);
    }
    select(pfn);
  }

  function ownerAt(pfn) {
    const data = pfn >= range.start && pfn < viewEnd() ? rowsData() : mem;
    const runs = data.runs;
    let lo = 0;
    let hi = runs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (runs[mid][1] <= pfn) {
        lo = mid + 1;
      } else if (runs[mid][0] > pfn) {
        hi = mid - 1;
      } else {
        return runs[mid];
      }
    }
    return null;
  }

  function processName(pid) {
    const p = mem.processes.find(x => x.pid === pid);
    return p ? 'process ' + pid + ' (' + p.name + ')' : 'process ' + pid;
  }

  function ownerText(run) {
    if (!run) {
      return 'not in the map';
    }
    const owner = run[2] === 'process' && run[3] >= 0 ? processName(run[3]) : ownerLabel(run[2]);
    if (mixed(run)) {
      const parts = Object.entries(run[4]).sort((x, y) => y[1] - x[1])
        .map(([key, n]) => num(n) + ' ' + ownerLabel(key));
      return 'mostly ' + owner + ' in frames ' + hex(run[0], 5) + '–' + hex(run[1] - 1, 5) + ': ' + parts.join(', ')
        + ' (zoom in for each frame)';
    }
    return owner;
  }

  // ---------------------------------------------------------------- geometry

  function geometry() {
    const width = Math.max(360, ui.map.clientWidth || 800) - GUTTER - 4;
    const height = Math.max(300, Math.min(900, window.innerHeight - 250));
    // frames a row: the power of two that gives the largest cells within the width and the height
    // (rows then start at round addresses)
    const cellFor = c => Math.min(MAX_CELL, width / c, height / Math.ceil(range.len / c));
    let cols = 8;
    while (cols < range.len && cellFor(cols * 2) > cellFor(cols)) {
      cols *= 2;
    }
    // cells as wide as the width allows, and as tall, up to square, as the height allows
    const cw = Math.min(MAX_CELL, width / cols);
    const start = Math.floor(range.start / cols) * cols;
    const end = Math.min(mem.topPfn, range.start + range.len);
    const rows = Math.max(1, Math.ceil((end - start) / cols));
    const ch = Math.min(cw, Math.max(cellFor(cols), height / rows));
    return {cols, cw, ch, cell: Math.min(cw, ch), start, end, rows, width: cols * cw, height: rows * ch};
  }

  /** Rectangles covering frames [a, b) of the grid g, one per row piece. */
  function pieces(g, a, b) {
    const out = [];
    const ra = a - g.start;
    const rb = b - g.start;
    if (rb <= ra) {
      return out;
    }
    const r0 = Math.floor(ra / g.cols);
    const c0 = ra % g.cols;
    const r1 = Math.floor((rb - 1) / g.cols);
    const c1 = (rb - 1) % g.cols + 1;
    const rect = (c, r, w, hgt) => out.push([GUTTER + c * g.cw, r * g.ch, w * g.cw, hgt * g.ch]);
    if (r0 === r1) {
      rect(c0, r0, c1 - c0, 1);
    } else {
      rect(c0, r0, g.cols - c0, 1);
      if (r1 > r0 + 1) {
        rect(0, r0 + 1, g.cols, r1 - r0 - 1);
      }
      rect(0, r1, c1, 1);
    }
    return out;
  }

  function pfnAt(g, svg, ev) {
    const pt = svgPoint(svg, ev);
    const x = pt.x - GUTTER;
    const y = pt.y;
    if (x < 0 || y < 0 || x >= g.width || y >= g.height) {
      return null;
    }
    const pfn = g.start + Math.floor(y / g.ch) * g.cols + Math.floor(x / g.cw);
    return pfn < g.end && pfn >= range.start ? pfn : null;
  }

  // ---------------------------------------------------------------- drawing

  function hatch(id) {
    return s('defs', null, s('pattern', {id, width: 6, height: 6, patternUnits: 'userSpaceOnUse',
      patternTransform: 'rotate(45)'},
    s('rect', {width: 6, height: 6, fill: '#fbfbfa'}),
    s('line', {x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#dfe3e8', 'stroke-width': 2})));
  }

  function fillOf(owner, pid, hatchId) {
    return owner === 'not-in-map' ? 'url(#' + hatchId + ')' : runColor(owner, pid);
  }

  function dimmed(owner, pid) {
    if (focus === null) {
      return false;
    }
    return !(focus.owner === owner && (focus.owner !== 'process' || focus.pid === pid));
  }

  function drawMap() {
    const g = geometry();
    const svg = s('svg', {id: 'mem-map-svg', width: GUTTER + g.width + 2, height: g.height + 2,
      viewBox: `0 0 ${GUTTER + g.width + 2} ${g.height + 2}`, 'font-family': MONO, role: 'img',
      'aria-label': 'frames ' + hex(range.start, 5) + ' to ' + hex(g.end - 1, 5) + ' by owner'});
    svg.append(hatch('mem-hatch'));
    const cells = s('g', {'shape-rendering': g.cell >= 3 ? 'crispEdges' : 'auto'});
    const data = rowsData();
    for (const row of data.runs) {
      const [a, b, owner, pid] = row;
      const lo = Math.max(a, range.start);
      const hi = Math.min(b, g.end);
      if (hi <= lo) {
        continue;
      }
      const color = fillOf(owner, pid, 'mem-hatch');
      const summed = mixed(row);
      for (const [x, y, w, hgt] of pieces(g, lo, hi)) {
        cells.append(s('rect', {x, y, width: w, height: hgt, fill: color,
          'fill-opacity': dimmed(owner, pid) ? 0.15 : summed ? 0.7 : 1,
          class: summed ? 'run summary' : 'run', 'data-owner': owner, 'data-pid': pid}));
      }
    }
    svg.append(cells);
    ui.map.dataset.rows = data.summary ? 'summary' : 'exact';
    ui.map.dataset.rowsFrom = String(data.fromPfn);
    ui.map.dataset.rowsTo = String(data.toPfn);
    if (g.cell >= 5) {
      let d = '';
      for (let c = 0; c <= g.cols; c++) {
        d += `M${GUTTER + c * g.cw} 0V${g.height}`;
      }
      for (let r = 0; r <= g.rows; r++) {
        d += `M${GUTTER} ${r * g.ch}H${GUTTER + g.width}`;
      }
      svg.append(s('path', {d, stroke: '#ffffff', 'stroke-width': g.cell >= 14 ? 1.5 : 1, fill: 'none'}));
    }
    if (g.cell >= 34) {
      const labels = s('g', {'font-size': Math.min(12, g.cell / 4.5), 'text-anchor': 'middle'});
      for (let pfn = range.start; pfn < g.end; pfn++) {
        const run = ownerAt(pfn);
        const color = run ? runColor(run[2], run[3]) : '#ffffff';
        const i = pfn - g.start;
        const x = GUTTER + (i % g.cols + 0.5) * g.cw;
        const y = Math.floor(i / g.cols) * g.ch;
        labels.append(s('text', {x, y: y + g.ch / 2 - 1, fill: inkOn(color)}, hex(pfn, 3)),
          s('text', {x, y: y + g.ch / 2 + 12, fill: inkOn(color), 'fill-opacity': 0.75},
            !run || run[2] === 'free' ? '' : run[2] === 'process' ? 'P' + run[3] : symbol(run[2])));
      }
      svg.append(labels);
    }
    // row labels: the physical address each row starts at, spaced to stay readable
    const every = Math.max(1, Math.ceil(14 / g.ch));
    const rowLabels = s('g', {'font-size': 11, fill: '#5d6b7a', 'text-anchor': 'end'});
    for (let r = 0; r < g.rows; r += every) {
      rowLabels.append(s('text', {x: GUTTER - 8, y: r * g.ch + (g.ch >= 14 ? g.ch / 2 : 7) + 4}, hex((g.start + r * g.cols) * 4096)));
    }
    svg.append(rowLabels);
    // this step's frames, and the selected one
    const marks = s('g', {fill: 'none', class: 'marks'});
    const ev = currentEvent();
    if (ev) {
      for (const f of ev.changes.frames) {
        if (f.pfn >= range.start && f.pfn < g.end) {
          marks.append(outline(g, f.pfn, ACCENT, 'changed'));
        }
      }
    }
    if (selected !== null && selected >= range.start && selected < g.end) {
      marks.append(outline(g, selected, '#111827', 'selected'));
    }
    svg.append(marks);
    const band = s('g', {class: 'band'});
    svg.append(band);
    svg.addEventListener('mousemove', e => onHover(g, svg, e, band));
    svg.addEventListener('mouseleave', () => {
      hideTip();
      clearTimeout(hoverTimer);
    });
    svg.addEventListener('mousedown', e => {
      const pfn = pfnAt(g, svg, e);
      if (pfn !== null && e.button === 0) {
        drag = {from: pfn, to: pfn};
        e.preventDefault();
      }
    });
    svg.addEventListener('mouseup', e => {
      const pfn = pfnAt(g, svg, e);
      const d = drag;
      drag = null;
      if (!d) {
        return;
      }
      const to = pfn === null ? d.to : pfn;
      if (Math.abs(to - d.from) >= 2) {
        const lo = Math.min(d.from, to);
        setRange(lo, Math.abs(to - d.from) + 1);
      } else {
        select(d.from);
      }
    });
    svg.addEventListener('wheel', e => {
      const pfn = pfnAt(g, svg, e);
      if (pfn === null || e.ctrlKey) {
        return;
      }
      e.preventDefault();
      zoomAround(pfn, e.deltaY < 0 ? 2 : 0.5);
    }, {passive: false});
    fill(ui.map, svg);
    return g;
  }

  function symbol(owner) {
    const o = state.info.owners.find(x => x.key === owner);
    return o ? o.symbol : '?';
  }

  function outline(g, pfn, color, cls) {
    const i = pfn - g.start;
    const minSize = cls === 'changed' ? 12 : 10;
    const w = Math.max(g.cw, minSize);
    const hgt = Math.max(g.ch, minSize);
    const x = GUTTER + (i % g.cols) * g.cw + g.cw / 2 - w / 2;
    const y = Math.floor(i / g.cols) * g.ch + g.ch / 2 - hgt / 2;
    return s('rect', {x: x + 1, y: y + 1, width: Math.max(1, w - 2), height: Math.max(1, hgt - 2), stroke: color,
      'stroke-width': g.cell >= 10 ? 2.5 : 2, rx: 2, class: cls, 'data-pfn': pfn});
  }

  function onHover(g, svg, e, band) {
    const pfn = pfnAt(g, svg, e);
    if (drag && pfn !== null) {
      drag.to = pfn;
      fill(band, pieces(g, Math.min(drag.from, pfn), Math.max(drag.from, pfn) + 1).map(([x, y, w, hgt]) =>
        s('rect', {x, y, width: w, height: hgt, fill: ACCENT, 'fill-opacity': 0.25})));
    }
    if (pfn === null) {
      hideTip();
      return;
    }
    const key = state.session + ':' + state.step + ':' + pfn;
    showTip(e, frameLines(pfn, frameCache.get(key)));
    clearTimeout(hoverTimer);
    if (!frameCache.has(key)) {
      hoverTimer = setTimeout(async () => {
        const info = await loadFrame(pfn);
        if (info && !document.getElementById('tip').hidden) {
          showTip(e, frameLines(pfn, info));
          moveTip(e);
        }
      }, 350);
    }
  }

  async function loadFrame(pfn) {
    const key = state.session + ':' + state.step + ':' + pfn;
    if (frameCache.has(key)) {
      return frameCache.get(key);
    }
    try {
      const info = await api(sessionPath(state.session, '/frames/' + pfn, state.step));
      frameCache.set(key, info);
      if (frameCache.size > 500) {
        frameCache.delete(frameCache.keys().next().value);
      }
      return info;
    } catch (err) {
      ctx.showError(err.message);
      return null;
    }
  }

  function frameLines(pfn, info) {
    let run = ownerAt(pfn);
    if (run && mixed(run) && info) {
      // a bucket stands for several owners: the frame's own, from the server
      run = [pfn, pfn + 1, info.owner, info.pid];
    }
    const color = run ? runColor(run[2], run[3]) : '#ffffff';
    const ev = currentEvent();
    const change = ev ? ev.changes.frames.find(f => f.pfn === pfn) : null;
    const out = [
      h('div', {class: 'tip-title mono'}, 'frame ' + hex(pfn, 5) + ' · paddr ' + hex(pfn * 4096)),
      h('div', null, swatch(color), ' ', ownerText(run)),
    ];
    if (change) {
      out.push(h('div', {class: 'changed'}, 'this step: ' + ownerLabel(change.before) + ' → ' + ownerLabel(change.after)));
    }
    if (info === undefined) {
      out.push(h('div', {class: 'muted'}, 'who maps it…'));
    } else if (info) {
      out.push(mappings(info, 6));
    }
    return out;
  }

  function mappings(info, limit) {
    const list = h('div', {class: 'mapped'});
    if (info.buddyFreeOrder !== undefined && info.buddyFreeOrder >= 0) {
      list.append(h('div', null, 'heads a free buddy block of order ' + info.buddyFreeOrder
        + ' (' + plural(1 << info.buddyFreeOrder, 'frame') + ')'));
    }
    for (const t of info.pageTableOf) {
      list.append(h('div', null, t.level === 'directory' ? 'the page directory of ' + t.space
        : 'the page table of ' + t.space + "'s PDE " + t.pde + ' (' + t.vaddr + ')'));
    }
    if (info.mappedBy.length === 0) {
      list.append(h('div', {class: 'muted'}, info.ram === false ? 'not RAM; no page maps it' : 'no page maps it'));
    } else {
      list.append(h('div', null, 'mapped by:'));
      info.mappedBy.slice(0, limit).forEach(m => list.append(h('div', {class: 'mono map-line'},
        m.space + ' ' + m.vaddr + (m.large ? ' (4 MiB page, PDE ' + m.pde + ')' : ' (PDE ' + m.pde + ', PTE ' + m.pte + ')')
          + ' = ' + m.entry)));
      if (info.mappedBy.length > limit) {
        list.append(h('div', {class: 'muted'}, 'and ' + (info.mappedBy.length - limit) + ' more'));
      }
    }
    return list;
  }

  async function select(pfn) {
    selected = pfn;
    draw();
    const mine = ++selectToken;
    fill(ui.frame, frameLines(pfn, undefined));
    const info = await loadFrame(pfn);
    if (mine === selectToken && info && selected === pfn) {
      fill(ui.frame, frameLines(pfn, info), h('button', {type: 'button', class: 'small',
        on: {click: () => setRange(Math.floor(pfn / 64) * 64, 64)}}, 'zoom to it'));
      ui.frame.dataset.pfn = String(pfn);
      ui.frame.dataset.owner = info.owner;
    }
  }

  function drawOverview() {
    const width = Math.max(360, ui.overview.clientWidth || 800);
    const top = mem.topPfn;
    const height = 26;
    const x = pfn => pfn / top * width;
    const svg = s('svg', {id: 'mem-overview-svg', width, height: height + 22, viewBox: `0 0 ${width} ${height + 22}`,
      'font-family': MONO, role: 'img', 'aria-label': 'the whole physical map'});
    svg.append(hatch('mem-ov-hatch'));
    const g = s('g', {'shape-rendering': 'crispEdges'});
    for (const [a, b, owner, pid] of mem.runs) {
      let w = x(b) - x(a);
      if (owner !== 'free' && owner !== 'not-in-map') {
        w = Math.max(w, 1);
      }
      g.append(s('rect', {x: x(a), y: 4, width: w, height, fill: fillOf(owner, pid, 'mem-ov-hatch')}));
    }
    svg.append(g);
    const ev = currentEvent();
    if (ev) {
      for (const f of ev.changes.frames.slice(0, 200)) {
        const cx = x(f.pfn + 0.5);
        svg.append(s('path', {d: `M${cx - 4} 0L${cx + 4} 0L${cx} 6Z`, fill: ACCENT}));
      }
    }
    const wx = x(range.start);
    const ww = Math.max(3, x(range.start + range.len) - wx);
    svg.append(s('rect', {x: wx, y: 2, width: ww, height: height + 4, fill: '#1d4ed8', 'fill-opacity': 0.1,
      stroke: '#1d4ed8', 'stroke-width': 2, class: 'window'}));
    const axis = s('g', {'font-size': 10.5, fill: '#5d6b7a'});
    const quarter = [0, 0.25, 0.5, 0.75, 1];
    quarter.forEach(q => {
      const pfn = Math.round(top * q);
      const anchor = q === 0 ? 'start' : q === 1 ? 'end' : 'middle';
      axis.append(s('text', {x: x(pfn), y: height + 19, 'text-anchor': anchor},
        q === 1 ? hex(top * 4096 - 1) : bytes(pfn * 4096)));
    });
    svg.append(axis);
    let down = null;
    const at = e => {
      return Math.max(0, Math.min(top - 1, Math.floor(svgPoint(svg, e).x / width * top)));
    };
    svg.addEventListener('mousedown', e => {
      down = at(e);
      e.preventDefault();
    });
    svg.addEventListener('mouseup', e => {
      if (down === null) {
        return;
      }
      const up = at(e);
      const span = Math.abs(up - down);
      if (span > top / width * 3) {
        setRange(Math.min(up, down), span);
      } else {
        setRange(up - range.len / 2, range.len);
      }
      down = null;
    });
    svg.addEventListener('mousemove', e => showTip(e, h('div', {class: 'mono'}, hex(at(e) * 4096)),
      h('div', null, ownerText(ownerAt(at(e))))));
    svg.addEventListener('mouseleave', hideTip);
    fill(ui.overview, svg);
  }

  function draw() {
    if (!mem) {
      return;
    }
    const g = drawMap();
    drawOverview();
    fill(ui.range, 'frames ' + hex(range.start, 5) + '–' + hex(g.end - 1, 5) + ' · ' + bytes((g.end - range.start) * 4096)
      + ' · ' + g.cols + ' frames a row');
    ui.range.dataset.start = String(range.start);
    ui.range.dataset.len = String(range.len);
  }

  function legend() {
    const items = legendItems();
    fill(ui.legend, items.map(it => h('button', {type: 'button', class: ['legend-item', it.zero ? 'zero' : null,
      focus && focus.owner === it.owner && focus.pid === it.pid ? 'focused' : null],
    title: 'show only these frames (click again for all)', data: {owner: it.owner, pid: String(it.pid)},
    on: {click: () => {
      focus = focus && focus.owner === it.owner && focus.pid === it.pid ? null : {owner: it.owner, pid: it.pid};
      legend();
      draw();
    }}},
    swatch(it.color, it.owner === 'not-in-map'), h('span', {class: 'legend-label'}, it.label),
    h('span', {class: 'legend-count mono'}, num(it.count)))));
  }

  function legendItems() {
    const items = [];
    for (const o of state.info.owners) {
      const count = mem.counts[o.key] || 0;
      if (o.key === 'process') {
        continue;
      }
      if (count > 0 || o.key === 'free') {
        items.push({owner: o.key, pid: -1, label: o.label, count, color: ownerColor(o.key)});
      }
    }
    for (const [pid, count] of Object.entries(mem.processFrames).map(([k, n]) => [Number(k), n]).sort((x, y) => x[0] - y[0])) {
      items.push({owner: 'process', pid, label: processName(pid), count, color: processColor(pid)});
    }
    return items;
  }

  function allocator() {
    const al = mem.allocator;
    const parts = [fact('allocator', al.name), fact('free frames', num(al.freeFrames) + ' of ' + num(al.totalFrames)),
      h('ul', {class: 'describe mono'}, al.describe.map(line => h('li', null, line)))];
    if (al.buddyOrders) {
      parts.push(h('h4', null, 'Free blocks per order'), buddyChart(al.buddyOrders));
    }
    fill(ui.allocator, parts);
  }

  function buddyChart(orders) {
    const width = Math.max(240, (ui.allocator.clientWidth || 300) - 4);
    const row = 18;
    const labelW = 118;
    const max = Math.max(1, ...orders.map(o => o.freeBlocks * o.frames));
    const svg = s('svg', {id: 'mem-buddy', width, height: orders.length * row + 4, 'font-family': MONO, 'font-size': 10.5});
    orders.forEach((o, i) => {
      const y = i * row + 2;
      const frames = o.freeBlocks * o.frames;
      const w = frames === 0 ? 0 : Math.max(2, (width - labelW - 70) * frames / max);
      svg.append(s('text', {x: 0, y: y + 12, fill: '#3b4654'}, 'order ' + String(o.order).padStart(2) + ' ' + bytes(o.frames * 4096)),
        s('rect', {x: labelW, y: y + 2, width: w, height: row - 5, rx: 2, fill: '#2a9d8f', class: 'buddy-bar',
          'data-order': o.order, 'data-blocks': o.freeBlocks}),
        s('text', {x: labelW + w + 6, y: y + 12, fill: o.freeBlocks ? '#1d2530' : '#9aa5b1'}, plural(o.freeBlocks, 'block')));
    });
    return svg;
  }

  function changes() {
    const ev = currentEvent();
    if (!ev) {
      fill(ui.changes, h('p', {class: 'muted'}, 'Booted; no step has run yet.'));
      return;
    }
    const list = ev.changes.frames;
    if (list.length === 0) {
      fill(ui.changes, h('p', {class: 'muted'}, 'Step ' + ev.step + ' changed no frame.'));
      return;
    }
    const shown = list.slice(0, 40).map(f => h('li', null, h('button', {type: 'button', class: 'link mono',
      on: {click: () => {
        if (f.pfn < range.start || f.pfn >= range.start + range.len) {
          const len = Math.max(64, Math.min(range.len, 1024));
          setRange(Math.floor(f.pfn / len) * len, len);
        }
        select(f.pfn);
      }}}, hex(f.pfn, 5)), ' ', swatch(ownerColor(f.before)), ' ', ownerLabel(f.before), ' → ',
    swatch(ownerColor(f.after)), ' ', ownerLabel(f.after)));
    fill(ui.changes, h('p', null, ev.changes.summary), h('ul', {class: 'changes-list', id: 'mem-changed'}, shown),
      list.length > 40 ? h('p', {class: 'muted'}, 'and ' + (list.length - 40) + ' more') : null);
  }

  function summaryLine() {
    const ram = (mem.counts.free || 0) + Object.entries(mem.counts)
      .filter(([k]) => k !== 'free' && k !== 'not-in-map' && k !== 'firmware').reduce((t, [, n]) => t + n, 0);
    fill(ui.summary, num(mem.topPfn) + ' frames of 4 KiB in the map (' + bytes(mem.topPfn * 4096) + '), '
      + num(ram) + ' of them RAM the kernel knows; ' + num(mem.counts.free || 0) + ' free.');
  }

  function drawing() {
    const items = legendItems().map(it => ({color: it.color, label: it.label + ' (' + num(it.count) + ')',
      hatch: it.owner === 'not-in-map'}));
    const title = 'Physical memory at step ' + state.step + ' — ' + (state.summary ? state.summary.title : '');
    const map = document.getElementById('mem-map-svg');
    return stack(title, [document.getElementById('mem-overview-svg'), map,
      legendSvg(items, Number(map.getAttribute('width')))]);
  }

  return {
    async update() {
      const mine = ++token;
      const data = await api(sessionPath(state.session, '/memory', state.step));
      if (mine !== token) {
        return;
      }
      const fresh = !mem || mem.session !== state.session;
      mem = data;
      mem.session = state.session;
      detail = null;
      clearTimeout(detailTimer);
      detailToken++;
      if (fresh || !range) {
        selected = null;
        focus = null;
        range = {start: 0, len: ramExtent()};
        fill(ui.frame, h('p', {class: 'muted'}, 'Click a frame in the map.'));
      }
      // the same step's rows for the range the grid shows, before it draws
      if (needsDetail()) {
        await refine();
        if (mine !== token) {
          return;
        }
      }
      summaryLine();
      legend();
      allocator();
      changes();
      draw();
      if (selected !== null) {
        select(selected);
      }
    },
    resize() {
      draw();
    },
    showFrame(pfn) {
      if (!mem || pfn < 0 || pfn >= mem.topPfn) {
        return;
      }
      if (pfn < range.start || pfn >= range.start + range.len || range.len > 4096) {
        setRange(Math.floor(pfn / 256) * 256, 256);
      }
      select(pfn);
    },
    setRange,
  };
}
