// The TLB after the current step: its lines placed in their sets (set = vpn mod sets, as the
// simulated TLB indexes them), the lines this step added and dropped, the step's INVLPG and CR3
// lines, and the counters.

import {api, sessionPath} from './api.js';
import {state, currentEvent} from './store.js';
import {h, s, fill, num, plural, showTip, hideTip, card, MONO} from './dom.js';
import {exportBar, stack} from './export.js';
import {legendSvg} from './legend.js';

const NEW_FILL = '#d3f9d8';
const NEW_EDGE = '#2f9e44';
const LINE_FILL = '#eef2ff';
const LINE_EDGE = '#a9b8f5';
const GLOBAL_EDGE = '#7048e8';

export function createTlbView(panel, ctx) {
  const ui = {
    summary: h('p', {id: 'tlb-summary', class: 'lede'}),
    stats: h('div', {id: 'tlb-stats', class: 'stats'}),
    stepStats: h('div', {id: 'tlb-step-stats', class: 'stats'}),
    grid: h('div', {id: 'tlb-grid', class: 'grid-wrap'}),
    dropped: h('div', {id: 'tlb-dropped'}),
    invalidations: h('div', {id: 'tlb-invalidations'}),
  };
  let tlb = null;
  let token = 0;

  fill(panel,
    h('div', {class: 'view-head'}, h('h2', null, 'TLB'), ui.summary,
      exportBar(() => 'tlb-step-' + state.step, drawing, csvRows, ctx.showError)),
    h('div', {class: 'stats-row'}, card('So far (since boot)', ui.stats), card('This step', ui.stepStats)),
    h('div', {class: 'split'},
      h('div', {class: 'card'}, h('h3', null, 'Lines by set'), ui.grid,
        h('p', {class: 'hint'}, 'Each row is a set (set = virtual page number mod sets); green lines came in with this step. '
          + 'W writable · U user · D dirty · G global (kept across CR3 loads when CR4.PGE=1).')),
      h('aside', {class: 'side'}, card('Dropped by this step', ui.dropped), card('INVLPG and CR3 lines of this step', ui.invalidations))));

  function sets() {
    const ways = Math.max(1, tlb.ways);
    return Math.max(1, Math.floor(tlb.entries4k / ways));
  }

  function flags(l) {
    return (l.writable ? 'W' : '-') + (l.user ? 'U' : '-') + (l.dirty ? 'D' : '-') + (l.global ? 'G' : '-');
  }

  function lineText(l, compact) {
    return compact ? l.vaddr.slice(2) + '→' + l.paddr.slice(2) : l.vaddr + ' → ' + l.paddr;
  }

  function drawGrid() {
    const ways = Math.max(1, tlb.ways);
    const nSets = sets();
    const small = tlb.lines.filter(l => !l.large);
    const large = tlb.lines.filter(l => l.large);
    const buckets = Array.from({length: nSets}, () => []);
    for (const l of small) {
      buckets[(parseInt(l.vaddr, 16) >>> 12) % nSets].push(l);
    }
    const gutter = 58;
    const avail = Math.max(420, (ui.grid.clientWidth || 900) - gutter - 4);
    const cellW = Math.max(150, Math.min(250, Math.floor(avail / ways)));
    const compact = cellW < 215;
    const row = 22;
    const largeRows = tlb.entries4m > 0 ? Math.ceil(tlb.entries4m / ways) : 0;
    const width = gutter + ways * cellW + 2;
    const height = 18 + nSets * row + (largeRows ? 26 + largeRows * row : 0) + 2;
    const svg = s('svg', {id: 'tlb-svg', width, height, viewBox: `0 0 ${width} ${height}`, 'font-family': MONO, 'font-size': 11});
    for (let w = 0; w < ways; w++) {
      svg.append(s('text', {x: gutter + w * cellW + cellW / 2, y: 12, 'text-anchor': 'middle', fill: '#5d6b7a', 'font-size': 10.5},
        'way ' + w));
    }
    const put = (l, x, y) => {
      const g = s('g', {class: ['tlb-line', l.new ? 'new' : null].filter(Boolean).join(' '), 'data-vaddr': l.vaddr,
        'data-new': String(l.new)});
      g.append(s('rect', {x: x + 2, y: y + 2, width: cellW - 4, height: row - 4, rx: 3, fill: l.new ? NEW_FILL : LINE_FILL,
        stroke: l.global ? GLOBAL_EDGE : (l.new ? NEW_EDGE : LINE_EDGE), 'stroke-width': l.new || l.global ? 1.5 : 1}),
      s('text', {x: x + 8, y: y + row / 2 + 4, fill: '#1d2530'}, lineText(l, compact)),
      s('text', {x: x + cellW - 8, y: y + row / 2 + 4, 'text-anchor': 'end', fill: '#5d6b7a'}, flags(l)));
      g.addEventListener('mousemove', ev => showTip(ev, h('div', {class: 'tip-title mono'}, l.vaddr + ' → ' + l.paddr),
        h('div', null, (l.large ? '4 MiB page' : '4 KiB page') + ', ' + (l.writable ? 'writable' : 'read-only') + ', '
          + (l.user ? 'user' : 'supervisor') + (l.dirty ? ', dirty' : '') + (l.global ? ', global' : '')),
        l.new ? h('div', {class: 'changed'}, 'came in with this step') : null));
      g.addEventListener('mouseleave', hideTip);
      svg.append(g);
    };
    const empty = (x, y) => svg.append(s('rect', {x: x + 2, y: y + 2, width: cellW - 4, height: row - 4, rx: 3, fill: '#fafbfc',
      stroke: '#e3e7ec', 'stroke-dasharray': '3 2'}));
    buckets.forEach((lines, set) => {
      const y = 18 + set * row;
      svg.append(s('text', {x: gutter - 8, y: y + row / 2 + 4, 'text-anchor': 'end', fill: '#5d6b7a', 'font-size': 10.5},
        'set ' + set));
      for (let w = 0; w < ways; w++) {
        const x = gutter + w * cellW;
        if (lines[w]) {
          put(lines[w], x, y);
        } else {
          empty(x, y);
        }
      }
    });
    if (largeRows) {
      const y0 = 18 + nSets * row + 8;
      svg.append(s('text', {x: 0, y: y0 + 10, fill: '#3b4654', 'font-size': 11, 'font-weight': 600}, '4 MiB pages (fully associative, '
        + tlb.entries4m + ' entries)'));
      for (let i = 0; i < largeRows * ways; i++) {
        const x = gutter + (i % ways) * cellW;
        const y = y0 + 18 + Math.floor(i / ways) * row;
        if (i >= tlb.entries4m) {
          continue;
        }
        if (large[i]) {
          put(large[i], x, y);
        } else {
          empty(x, y);
        }
      }
    }
    fill(ui.grid, svg);
  }

  function statsCards() {
    const st = tlb.stats;
    const rate = st.accesses ? (100 * st.hits / st.accesses).toFixed(1) + '%' : '—';
    const tile = (label, value, id) => h('div', {class: 'stat', data: {stat: id}}, h('span', {class: 'v mono'}, value),
      h('span', {class: 'k'}, label));
    fill(ui.stats, tile('accesses', num(st.accesses), 'accesses'), tile('hits', num(st.hits), 'hits'),
      tile('misses', num(st.misses), 'misses'), tile('hit rate', rate, 'rate'), tile('rewalks', num(st.rewalks), 'rewalks'),
      tile('walks', num(st.walks), 'walks'), tile('INVLPGs', num(st.invlpgs), 'invlpgs'), tile('flushes', num(st.flushes), 'flushes'),
      tile('faults', num(st.faults), 'faults'));
    const ev = currentEvent();
    if (!ev || !ev.mmu) {
      fill(ui.stepStats, h('p', {class: 'muted'}, ev ? 'This step used no MMU.' : 'Booted; no step has run yet.'));
    } else {
      const m = ev.mmu;
      const added = tlb.lines.filter(l => l.new).length;
      fill(ui.stepStats, tile('accesses', num(m.accesses), 'step-accesses'), tile('hits', num(m.tlbHits), 'step-hits'),
        tile('misses', num(m.tlbMisses), 'step-misses'), tile('walks', num(m.walks), 'step-walks'),
        tile('INVLPGs', num(m.invlpgs), 'step-invlpgs'), tile('flushes', num(m.flushes), 'step-flushes'),
        tile('lines in', num(added), 'step-added'), tile('lines out', num(tlb.dropped.length), 'step-dropped'));
    }
  }

  function why(l) {
    const v = l.vaddr.toUpperCase();
    if (tlb.invalidations.some(t => t.toUpperCase().includes('INVLPG ' + v))) {
      return 'INVLPG ' + l.vaddr;
    }
    if (tlb.invalidations.some(t => /CR3|FLUSH/i.test(t))) {
      return 'the CR3 load or flush';
    }
    return 'no INVLPG or CR3 line names it: replaced in its full set';
  }

  function droppedList() {
    const ev = currentEvent();
    if (!ev) {
      fill(ui.dropped, h('p', {class: 'muted'}, 'Booted; no step has run yet.'));
    } else if (tlb.dropped.length === 0) {
      fill(ui.dropped, h('p', {class: 'muted'}, 'Step ' + ev.step + ' dropped no line.'));
    } else {
      fill(ui.dropped, h('ul', {class: 'dropped-list'}, tlb.dropped.map(l => h('li', {data: {vaddr: l.vaddr}},
        h('span', {class: 'mono strike'}, l.vaddr + ' → ' + l.paddr), ' ', h('span', {class: 'mono muted'}, flags(l)),
        h('div', {class: 'muted small'}, why(l))))));
    }
    if (tlb.invalidations.length === 0) {
      fill(ui.invalidations, h('p', {class: 'muted'}, ev ? 'none' : ''));
    } else {
      fill(ui.invalidations, h('ol', {class: 'trace mono'}, tlb.invalidations.map(t => h('li', null, t))));
    }
  }

  function summary() {
    if (!tlb.enabled) {
      fill(ui.summary, 'The TLB is off (--no-tlb): every access walks the tables.');
      return;
    }
    fill(ui.summary, plural(tlb.entries4k, 'entry', 'entries') + ' for 4 KiB pages (' + tlb.ways + '-way, '
      + plural(sets(), 'set') + ') and ' + tlb.entries4m + ' for 4 MiB pages; ' + num(tlb.valid) + ' valid after step '
      + state.step + '.');
  }

  function drawing() {
    return stack('TLB after step ' + state.step + ' — ' + (state.summary ? state.summary.title : ''),
      [document.getElementById('tlb-svg'), legendSvg([{color: NEW_FILL, stroke: NEW_EDGE, label: 'came in with this step'},
        {color: LINE_FILL, stroke: LINE_EDGE, label: 'cached before'}, {color: LINE_FILL, stroke: GLOBAL_EDGE, label: 'global'}], 600)]);
  }

  function csvRows() {
    const rows = [['state', 'set', 'vaddr', 'paddr', 'large', 'writable', 'user', 'dirty', 'global']];
    const n = sets();
    const add = (st, l) => rows.push([st, l.large ? '' : (parseInt(l.vaddr, 16) >>> 12) % n, l.vaddr, l.paddr, l.large,
      l.writable, l.user, l.dirty, l.global]);
    tlb.lines.forEach(l => add(l.new ? 'new' : 'kept', l));
    tlb.dropped.forEach(l => add('dropped', l));
    return {rows, name: 'tlb-step-' + state.step};
  }

  function draw() {
    summary();
    statsCards();
    drawGrid();
    droppedList();
  }

  return {
    async update() {
      const mine = ++token;
      const data = await api(sessionPath(state.session, '/tlb', state.step));
      if (mine !== token) {
        return;
      }
      tlb = data;
      draw();
    },
    resize() {
      if (tlb) {
        drawGrid();
      }
    },
  };
}
