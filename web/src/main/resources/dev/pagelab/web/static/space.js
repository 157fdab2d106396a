// Address space: a space's 1024 directory entries as a 32x32 grid, the 1024 entries of the page
// table one of them points to, every entry decoded bit by bit with the server's tables, and the
// walk of an address typed in (PDE, PTE, physical address, the four verdicts).

import {api, sessionPath} from './api.js';
import {state, currentEvent} from './store.js';
import {h, s, fill, hex, plural, showTip, hideTip, card, parseAddress, svgPoint, swatch, MONO} from './dom.js';
import {exportBar, stack} from './export.js';
import {legendSvg} from './legend.js';
import {ENTRY_COLORS, decode, flagText, flagsOf, target, kind, notPresentText, ruler, isLarge} from './entries.js';

const WALK = '#f76707';
const CHANGED = '#d6336c';
const SELECTED = '#111827';
const GUTTER = 84;
const HEAD = 18;

const LEGEND = [
  {key: 'kernelRw', label: 'supervisor, writable'},
  {key: 'kernelRo', label: 'supervisor, read-only'},
  {key: 'userRw', label: 'user, writable'},
  {key: 'userRo', label: 'user, read-only'},
  {key: 'swap', label: 'not present, kernel bits (swap)'},
  {key: 'empty', label: 'empty (0)'},
];

export function createSpaceView(panel, ctx) {
  const ui = {
    select: h('select', {id: 'space-select', 'aria-label': 'address space'}),
    addr: h('input', {id: 'addr-input', type: 'text', class: 'mono', placeholder: '0xC03FF000', size: 14,
      spellcheck: 'false', autocomplete: 'off', 'aria-label': 'virtual address (hex)'}),
    walk: h('div', {id: 'walk', class: 'walk'}),
    dir: h('div', {id: 'dir-grid', class: 'grid-wrap'}),
    dirTitle: h('h3', null, 'Page directory'),
    table: h('div', {id: 'table-grid', class: 'grid-wrap'}),
    tableTitle: h('h3', null, 'Page table'),
    entry: h('div', {id: 'entry-detail', class: 'entry-detail'}),
    changes: h('div', {id: 'space-changes'}),
    legend: h('div', {class: 'legend static'}),
  };
  let spaces = [];
  let space = null;
  let directory = null;
  let table = null;
  let pde = null;
  let chosen = null;
  let walked = null;
  let vaddrText = '';
  let followWalk = false;
  let token = 0;

  ui.select.addEventListener('change', () => {
    space = ui.select.value;
    pde = null;
    chosen = null;
    table = null;
    reload();
  });

  fill(panel,
    h('div', {class: 'view-head'}, h('h2', null, 'Address space'),
      h('label', {class: 'field'}, h('span', null, 'space'), ui.select),
      exportBar(() => 'address-space-' + space + '-step-' + state.step, drawing, csvRows, ctx.showError)),
    h('div', {class: 'card walk-card'},
      h('form', {id: 'addr-form', class: 'addr-form', on: {submit: ev => {
        ev.preventDefault();
        startWalk(ui.addr.value);
      }}},
      h('label', {for: 'addr-input'}, 'Walk a virtual address'), ui.addr,
      h('button', {id: 'addr-walk', type: 'submit', class: 'primary'}, 'walk'),
      h('span', {class: 'hint'}, 'hexadecimal; the walk reads the tables as the MMU would, without touching the TLB or A/D bits')),
      ui.walk),
    h('div', {class: 'grids'},
      h('div', {class: 'card'}, ui.dirTitle, ui.dir),
      h('div', {class: 'card'}, ui.tableTitle, ui.table)),
    h('div', {class: 'split2'},
      card('Entry', ui.entry),
      h('div', null, card('This step in this space', ui.changes), card('Colours', ui.legend))));
  fill(ui.legend, LEGEND.map(l => h('span', {class: 'legend-item static'},
    swatch(ENTRY_COLORS[l.key]), l.label)),
  h('span', {class: 'legend-item static'}, h('span', {class: 'mark-dot'}), 'A (accessed)'),
  h('span', {class: 'legend-item static'}, h('span', {class: 'mark-dot d'}), 'D (dirty)'),
  h('span', {class: 'legend-item static'}, h('span', {class: 'mark-large'}), '4 MiB page'),
  h('span', {class: 'legend-item static'}, h('span', {class: 'mark-box walk'}), 'walked'),
  h('span', {class: 'legend-item static'}, h('span', {class: 'mark-box changed'}), 'changed by this step'));
  fill(ui.entry, h('p', {class: 'muted'}, 'Click an entry in either grid.'));
  fill(ui.walk, h('p', {class: 'muted'}, 'Try 0xC03FF000 (the temporary slot) or 0x00400000.'));

  function largeEnabled() {
    return directory ? directory.largePagesEnabled : false;
  }

  // ---------------------------------------------------------------- loading

  async function reload() {
    const mine = ++token;
    const listed = await api(sessionPath(state.session, '/spaces', state.step));
    if (mine !== token) {
      return;
    }
    spaces = listed.spaces;
    let note = null;
    if (!space || !spaces.some(x => x.id === space)) {
      if (space) {
        note = space + ' does not exist at step ' + state.step + '; showing the kernel';
      }
      const loaded = spaces.find(x => x.loaded);
      space = space ? 'kernel' : (loaded ? loaded.id : 'kernel');
      pde = null;
      chosen = null;
    }
    fill(ui.select, spaces.map(x => h('option', {value: x.id, selected: x.id === space},
      x.name + (x.loaded ? ' — in CR3' : '') + ' · directory ' + x.directoryPaddr)));
    const dir = await api(sessionPath(state.session, '/spaces/' + encodeURIComponent(space) + '/directory', state.step));
    if (mine !== token) {
      return;
    }
    directory = dir;
    if (vaddrText) {
      walked = await walkAt(vaddrText, mine);
      if (mine !== token) {
        return;
      }
    } else {
      walked = null;
    }
    await loadTable(mine);
    if (mine !== token) {
      return;
    }
    drawAll();
    if (note) {
      ctx.showError(note);
    }
  }

  async function loadTable(mine) {
    table = null;
    if (pde === null) {
      return;
    }
    const e = directory.entries[pde];
    if ((e & 1) === 0 || isLarge('pde', e, largeEnabled())) {
      return;
    }
    const t = await api(sessionPath(state.session, '/spaces/' + encodeURIComponent(space) + '/tables/' + pde, state.step));
    if (mine === token) {
      table = t;
    }
  }

  async function walkAt(text, mine) {
    const vaddr = parseAddress(text);
    if (vaddr === null) {
      throw new Error('"' + text + '" is not a virtual address: expected up to 8 hexadecimal digits, e.g. 0xC03FF000');
    }
    const w = await api(sessionPath(state.session, '/walk', state.step, {vaddr: hex(vaddr), space}));
    if (mine === token && followWalk) {
      pde = w.directoryIndex;
      const first = w.steps[0];
      if (first && (first.entry & 1) && !first.largePage && w.steps.length > 1) {
        chosen = {level: 'pte', index: w.tableIndex};
      } else {
        chosen = {level: 'pde', index: w.directoryIndex};
      }
    }
    return w;
  }

  async function startWalk(text) {
    vaddrText = text.trim();
    followWalk = true;
    ctx.clearError();
    try {
      await reload();
    } catch (e) {
      vaddrText = '';
      ctx.showError(e);
    }
  }

  // ---------------------------------------------------------------- grids

  function changedVaddrs() {
    const ev = currentEvent();
    if (!ev) {
      return [];
    }
    const out = [];
    for (const p of ev.changes.pages) {
      if (p.space === space) {
        out.push(parseInt(p.vaddr, 16));
      }
    }
    for (const p of ev.changes.processPages) {
      if (p.space === space) {
        out.push(parseInt(p.vaddr, 16));
      }
    }
    return out;
  }

  function grid(level, entries, base) {
    const width = Math.max(300, (ui.dir.clientWidth || 420));
    const cell = Math.max(9, Math.min(20, Math.floor((width - GUTTER - 4) / 32)));
    const w = GUTTER + cell * 32 + 2;
    const hgt = HEAD + cell * 32 + 2;
    const svg = s('svg', {id: level === 'pde' ? 'dir-svg' : 'table-svg', width: w, height: hgt, viewBox: `0 0 ${w} ${hgt}`,
      'font-family': MONO, role: 'img', 'aria-label': level === 'pde' ? 'page directory entries' : 'page table entries'});
    const changed = new Set();
    for (const v of changedVaddrs()) {
      if (level === 'pde') {
        changed.add(v >>> 22);
      } else if ((v >>> 22) === pde) {
        changed.add((v >>> 12) & 1023);
      }
    }
    const walkIndex = walked ? (level === 'pde' ? walked.directoryIndex
      : (walked.directoryIndex === pde && walked.steps.length > 1 ? walked.tableIndex : -1)) : -1;
    const cells = s('g', {'shape-rendering': 'crispEdges'});
    const marks = s('g', null);
    const outlines = s('g', {fill: 'none'});
    for (let i = 0; i < 1024; i++) {
      const e = entries[i];
      const x = GUTTER + (i % 32) * cell;
      const y = HEAD + Math.floor(i / 32) * cell;
      const k = kind(e);
      cells.append(s('rect', {x: x + 0.5, y: y + 0.5, width: cell - 1, height: cell - 1, fill: ENTRY_COLORS[k],
        class: 'entry', 'data-index': i, 'data-kind': k}));
      if ((e & 1) && cell >= 11) {
        const ink = k === 'kernelRo' || k === 'userRo' ? '#1d2530' : '#ffffff';
        if (e & 0x20) {
          marks.append(s('circle', {cx: x + 3.5, cy: y + 3.5, r: 1.6, fill: ink}));
        }
        if (level === 'pte' && (e & 0x40)) {
          marks.append(s('circle', {cx: x + cell - 4, cy: y + 3.5, r: 1.6, fill: '#ffd43b'}));
        }
      }
      if (isLarge(level, e, largeEnabled())) {
        marks.append(s('path', {d: `M${x + 1} ${y + cell - 1}L${x + cell - 1} ${y + 1}`, stroke: '#ffffff', 'stroke-width': 1.5}));
      }
      if (changed.has(i)) {
        outlines.append(s('rect', {x: x + 1, y: y + 1, width: cell - 2, height: cell - 2, stroke: CHANGED, 'stroke-width': 2,
          class: 'changed', 'data-index': i}));
      }
      if (walkIndex === i) {
        outlines.append(s('rect', {x: x - 0.5, y: y - 0.5, width: cell + 1, height: cell + 1, stroke: WALK, 'stroke-width': 3,
          class: 'walked', 'data-index': i}));
      }
      if (chosen && chosen.level === level && chosen.index === i || level === 'pde' && pde === i && !(chosen && chosen.level === 'pde')) {
        outlines.append(s('rect', {x: x + 0.5, y: y + 0.5, width: cell - 1, height: cell - 1, stroke: SELECTED,
          'stroke-width': 1.5, 'stroke-dasharray': chosen && chosen.level === level ? null : '2 1.5', class: 'selected', 'data-index': i}));
      }
    }
    svg.append(cells, marks, outlines);
    const labels = s('g', {'font-size': 10.5, fill: '#5d6b7a'});
    const step = level === 'pde' ? 0x400000 : 0x1000;
    const every = cell >= 13 ? 1 : 2;
    for (let r = 0; r < 32; r += every) {
      labels.append(s('text', {x: GUTTER - 6, y: HEAD + r * cell + cell / 2 + 3.5, 'text-anchor': 'end'},
        hex(base + r * 32 * step)));
    }
    for (let c = 0; c < 32; c += 4) {
      labels.append(s('text', {x: GUTTER + c * cell + cell / 2, y: HEAD - 5, 'text-anchor': 'middle'}, '+' + c));
    }
    svg.append(labels);
    const at = ev => {
      const pt = svgPoint(svg, ev);
      const c = Math.floor((pt.x - GUTTER) / cell);
      const r = Math.floor((pt.y - HEAD) / cell);
      return c >= 0 && c < 32 && r >= 0 && r < 32 ? r * 32 + c : -1;
    };
    svg.addEventListener('mousemove', ev => {
      const i = at(ev);
      if (i < 0) {
        hideTip();
        return;
      }
      showTip(ev, tipLines(level, i, entries[i], base));
    });
    svg.addEventListener('mouseleave', hideTip);
    svg.addEventListener('click', ev => {
      const i = at(ev);
      if (i >= 0) {
        choose(level, i);
      }
    });
    return svg;
  }

  function range(level, i, base) {
    const size = level === 'pde' ? 0x400000 : 0x1000;
    const lo = base + i * size;
    return hex(lo) + '–' + hex(lo + size - 1);
  }

  function tipLines(level, i, e, base) {
    const name = level === 'pde' ? 'PDE ' + i : 'PTE ' + i + ' of PDE ' + pde;
    const out = [h('div', {class: 'tip-title mono'}, name + ' · ' + range(level, i, base)),
      h('div', {class: 'mono'}, hex(e) + ' ' + ((e & 1) ? flagText(level, e, largeEnabled()) : ''))];
    const t = target(level, e, largeEnabled());
    if (t) {
      out.push(h('div', null, '→ ' + t.what + ' at ' + hex(t.paddr)));
    } else {
      out.push(h('div', {class: 'muted'}, notPresentText(e, space)));
    }
    return out;
  }

  async function choose(level, i) {
    const mine = ++token;
    followWalk = false;
    if (level === 'pde') {
      pde = i;
      chosen = {level, index: i};
      try {
        await loadTable(mine);
      } catch (e) {
        ctx.showError(e);
      }
      if (mine !== token) {
        return;
      }
    } else {
      chosen = {level, index: i};
    }
    drawAll();
  }

  // ---------------------------------------------------------------- the entry and the walk

  function entryDetail() {
    if (!chosen) {
      fill(ui.entry, h('p', {class: 'muted'}, 'Click an entry in either grid.'));
      delete ui.entry.dataset.level;
      return;
    }
    const level = chosen.level;
    const i = chosen.index;
    const e = level === 'pde' ? directory.entries[i] : (table ? table.entries[i] : 0);
    const base = level === 'pde' ? 0 : pde * 0x400000;
    const title = level === 'pde' ? 'PDE ' + i + ' of ' + space : 'PTE ' + i + ' of PDE ' + pde + ' (' + space + ')';
    const paddr = level === 'pde' ? parseInt(directory.directoryPaddr, 16) + 4 * i : parseInt(table.tablePaddr, 16) + 4 * i;
    const parts = [
      h('div', {class: 'entry-title'}, h('strong', null, title), ' ', h('span', {class: 'mono muted'}, range(level, i, base))),
      h('div', {class: 'mono entry-value'}, hex(e), h('span', {class: 'muted'}, ' at paddr ' + hex(paddr))),
      ruler(level, e, largeEnabled(), Math.min(640, (ui.entry.clientWidth || 560) - 8)),
    ];
    if ((e & 1) === 0) {
      parts.push(h('p', {class: 'not-present'}, notPresentText(e, space)));
    }
    if (e !== 0) {
      parts.push(bitTable(decode(level, e, largeEnabled()), (e & 1) === 0));
    }
    const t = target(level, e, largeEnabled());
    if (t) {
      const pfn = Math.floor(t.paddr / 4096);
      parts.push(h('p', null, '→ ' + t.what + ' at ', h('span', {class: 'mono'}, hex(t.paddr)), ' ',
        h('button', {type: 'button', class: 'link', on: {click: () => ctx.showFrame(pfn)}}, 'show frame ' + hex(pfn, 5))));
    }
    fill(ui.entry, parts);
    ui.entry.dataset.level = level;
    ui.entry.dataset.index = String(i);
    ui.entry.dataset.entry = String(e);
  }

  function bitTable(bits, ignored) {
    return h('table', {class: ['bits', ignored ? 'ignored' : null]},
      h('thead', null, h('tr', null, h('th', null, 'bit'), h('th', null, 'flag'), h('th', null, 'value'), h('th', null, 'meaning'))),
      h('tbody', null, bits.map(b => h('tr', {class: b.set ? 'set' : 'clear', data: {flag: b.name}},
        h('td', {class: 'mono'}, String(b.bit)), h('td', {class: 'mono'}, b.name), h('td', {class: 'mono'}, b.set ? '1' : '0'),
        h('td', null, b.name === 'P' || !ignored ? b.meaning : 'the kernel\'s bit: ignored while P=0')))));
  }

  function walkView() {
    if (!walked) {
      fill(ui.walk, h('p', {class: 'muted'}, 'Try 0xC03FF000 (the temporary slot) or 0x00400000.'));
      delete ui.walk.dataset.vaddr;
      return;
    }
    const w = walked;
    const v = parseInt(w.vaddr, 16);
    const bin = (x, n) => (x >>> 0).toString(2).padStart(n, '0');
    const split = h('div', {class: 'addr-split mono'},
      h('span', {class: 'seg dir'}, h('b', null, bin(v >>> 22, 10)), h('i', null, 'directory ' + w.directoryIndex)),
      h('span', {class: 'seg tab'}, h('b', null, bin((v >>> 12) & 1023, 10)), h('i', null, 'table ' + w.tableIndex)),
      h('span', {class: 'seg off'}, h('b', null, bin(v & 0xFFF, 12)), h('i', null, 'offset ' + hex(w.offset, 3))));
    const steps = w.steps.map((st, n) => {
      const name = st.level === 'directory' ? 'PDE ' + st.index : 'PTE ' + st.index;
      const present = (st.entry & 1) !== 0;
      let next;
      if (!present) {
        next = 'not present: the walk stops here';
      } else if (st.largePage) {
        next = '→ 4 MiB page at ' + hex((st.entry & 0xFFC00000) >>> 0);
      } else if (st.level === 'directory') {
        next = '→ page table at ' + hex((st.entry & 0xFFFFF000) >>> 0);
      } else {
        next = '→ frame at ' + hex((st.entry & 0xFFFFF000) >>> 0);
      }
      return h('div', {class: 'walk-step', id: n === 0 ? 'walk-pde' : 'walk-pte', data: {index: String(st.index),
        entry: String(st.entry), level: st.level}},
      h('div', {class: 'walk-step-head'}, h('strong', null, name), h('span', {class: 'mono'}, ' at ' + st.entryPaddr + ' = '),
        h('span', {class: 'mono value'}, hex(st.entry))),
      h('div', {class: 'chips'}, st.bits.map(b => h('span', {class: ['chip', b.set ? 'on' : 'off',
        !present && b.name !== 'P' ? 'ignored' : null], title: b.meaning}, b.name))),
      h('ul', {class: 'meanings'}, st.bits.filter(b => (b.set && present) || b.name === 'P').map(b => h('li', null,
        h('span', {class: 'mono'}, b.name + '=' + (b.set ? 1 : 0)), ' ', b.meaning)),
      !present && st.entry !== 0 ? h('li', null, notPresentText(st.entry, w.space)) : null),
      h('div', {class: ['next', present ? null : 'stop']}, next));
    });
    const ok = w.verdicts.find(x => x.translates);
    const result = ok ? h('div', {id: 'walk-paddr', class: 'paddr', data: {paddr: ok.paddr}},
      'physical address ', h('span', {class: 'mono big'}, ok.paddr))
      : h('div', {id: 'walk-paddr', class: 'paddr none', data: {paddr: ''}}, 'no translation: every access faults');
    const cell = (cpl, write) => {
      const x = w.verdicts.find(y => y.cpl === cpl && y.write === write);
      if (!x) {
        return h('td', null, '—');
      }
      return h('td', {class: x.translates ? 'yes' : 'no', title: x.fault || x.paddr,
        data: {cpl: String(cpl), write: String(write), translates: String(x.translates),
          errorCode: x.translates ? '' : String(x.errorCode)}},
      x.translates ? ['✓ ', h('span', {class: 'mono'}, x.paddr)]
        : ['✗ #PF ', h('span', {class: 'mono'}, hex(x.errorCode, 1)), h('div', {class: 'cause'}, x.cause.replace(/_/g, ' '))]);
    };
    const verdicts = h('table', {id: 'walk-verdicts', class: 'verdicts'},
      h('thead', null, h('tr', null, h('th', null, ''), h('th', null, 'read'), h('th', null, 'write'))),
      h('tbody', null,
        h('tr', null, h('th', null, 'CPL 0 (kernel)'), cell(0, false), cell(0, true)),
        h('tr', null, h('th', null, 'CPL 3 (user)'), cell(3, false), cell(3, true))));
    const faults = w.verdicts.filter(x => !x.translates);
    const seen = new Set();
    const faultList = h('ul', {class: 'faults mono'}, faults.filter(x => {
      if (seen.has(x.fault)) {
        return false;
      }
      seen.add(x.fault);
      return true;
    }).map(x => h('li', null, 'CPL ' + x.cpl + ' ' + (x.write ? 'write' : 'read') + ': ' + x.fault)));
    fill(ui.walk,
      h('div', {class: 'walk-head'}, h('span', {class: 'mono big'}, w.vaddr), ' in ' + w.space,
        h('span', {class: 'muted mono'}, '  CR3=' + w.cr3 + ' CR0=' + w.cr0 + ' CR4=' + w.cr4
          + (w.pagingEnabled ? '' : ' (paging off)'))),
      split,
      h('div', {class: 'walk-steps'}, steps),
      h('div', {class: 'walk-result'}, result, verdicts),
      faults.length ? faultList : null);
    ui.walk.dataset.vaddr = w.vaddr;
    ui.walk.dataset.step = String(w.step);
  }

  function changesList() {
    const ev = currentEvent();
    const items = [];
    if (ev) {
      for (const p of ev.changes.pages) {
        if (p.space === space) {
          items.push([p.vaddr, (p.paddrBefore ? p.paddrBefore + ' ' + flagsOf(p.flagsBefore) : 'nothing') + ' → '
            + (p.paddrAfter ? p.paddrAfter + ' ' + flagsOf(p.flagsAfter) : 'nothing')]);
        }
      }
      for (const p of ev.changes.processPages) {
        if (p.space === space) {
          items.push([p.vaddr, pageState(p.before) + ' → ' + pageState(p.after)]);
        }
      }
    }
    if (!ev) {
      fill(ui.changes, h('p', {class: 'muted'}, 'Booted; no step has run yet.'));
    } else if (items.length === 0) {
      fill(ui.changes, h('p', {class: 'muted'}, 'Step ' + ev.step + ' changed no page of ' + space + '.'));
    } else {
      fill(ui.changes, h('ul', {class: 'changes-list'}, items.slice(0, 40).map(([v, text]) => h('li', null,
        h('button', {type: 'button', class: 'link mono', on: {click: () => {
          ui.addr.value = v;
          startWalk(v);
        }}}, v), ' ', h('span', {class: 'mono'}, text)))),
      items.length > 40 ? h('p', {class: 'muted'}, 'and ' + (items.length - 40) + ' more') : null);
    }
  }

  function pageState(p) {
    if (p.present) {
      return p.paddr + ' ' + flagsOf(p.flags);
    }
    return p.swapSlot >= 0 ? 'swap slot ' + p.swapSlot : 'nothing';
  }

  function drawAll() {
    fill(ui.dirTitle, 'Page directory of ' + space + ' ', h('span', {class: 'mono muted'}, 'at ' + directory.directoryPaddr),
      h('span', {class: 'muted'}, ' · ' + plural(directory.entries.filter(e => e & 1).length, 'entry', 'entries') + ' present'));
    fill(ui.dir, grid('pde', directory.entries, 0));
    if (table) {
      fill(ui.tableTitle, 'Page table of PDE ' + table.index + ' ', h('span', {class: 'mono muted'}, 'at ' + table.tablePaddr
        + ' · ' + range('pde', table.index, 0)));
      fill(ui.table, grid('pte', table.entries, table.index * 0x400000));
      ui.table.dataset.pde = String(table.index);
    } else {
      fill(ui.tableTitle, 'Page table');
      delete ui.table.dataset.pde;
      let why = 'Click a present directory entry to open its page table.';
      if (pde !== null) {
        const e = directory.entries[pde];
        why = (e & 1) === 0 ? 'PDE ' + pde + ' is not present: there is no page table behind it.'
          : 'PDE ' + pde + ' maps a 4 MiB page: there is no page table behind it.';
      }
      fill(ui.table, h('p', {class: 'muted empty-table'}, why));
    }
    walkView();
    entryDetail();
    changesList();
  }

  function drawing() {
    const items = LEGEND.map(l => ({color: ENTRY_COLORS[l.key], label: l.label}))
      .concat([{color: '#ffffff', stroke: WALK, label: 'walked'}, {color: '#ffffff', stroke: CHANGED, label: 'changed by this step'}]);
    const parts = [document.getElementById('dir-svg'), document.getElementById('table-svg'),
      ui.entry.querySelector('svg.ruler'), legendSvg(items, 700)];
    return stack('Address space ' + space + ' at step ' + state.step + (walked ? ' — walk of ' + walked.vaddr : ''), parts);
  }

  function csvRows() {
    const rows = [['level', 'pde', 'pte', 'vaddr', 'entry', 'present', 'flags', 'points_to']];
    const add = (level, i, e, base) => {
      if (e === 0) {
        return;
      }
      const t = target(level === 'directory' ? 'pde' : 'pte', e, largeEnabled());
      rows.push([level, level === 'directory' ? i : pde, level === 'directory' ? '' : i,
        hex(base + i * (level === 'directory' ? 0x400000 : 0x1000)), hex(e), (e & 1) ? 1 : 0,
        (e & 1) ? flagText(level === 'directory' ? 'pde' : 'pte', e, largeEnabled()) : '', t ? hex(t.paddr) : '']);
    };
    directory.entries.forEach((e, i) => add('directory', i, e, 0));
    if (table) {
      table.entries.forEach((e, i) => add('table', i, e, table.index * 0x400000));
    }
    return {rows, name: 'address-space-' + space + '-step-' + state.step};
  }

  return {
    update: reload,
    resize() {
      if (directory) {
        drawAll();
      }
    },
    sessionChanged() {
      space = null;
      pde = null;
      chosen = null;
      table = null;
      walked = null;
      vaddrText = '';
      ui.addr.value = '';
    },
    walkTo(id, vaddr) {
      if (id) {
        space = id;
      }
      ui.addr.value = vaddr;
      return startWalk(vaddr);
    },
  };
}
