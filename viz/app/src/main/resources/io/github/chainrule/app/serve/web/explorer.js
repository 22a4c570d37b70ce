// The explorer: an expression, a slider per variable, and its graph with every node's value and
// gradient. The state below is everything the page shows; every view is drawn from it.
import {formatPoint, writeUrl, post, full} from './state.js';

// at: each variable's value, a number or nested lists (a tensor); until the first answer, the
// address's at= text itself, which the server reads with the command line's reader.
const state = {expression: 'x*y + sin(x)', at: {}, ranges: {}, output: null, node: null, element: null};
/** A tensor with at most this many elements gets a slider and a number box per element; a larger one one text box. */
export const ELEMENT_EDITORS = 16;
let addressError = null;   // the address's at= could not be read: said once the page has recovered
let layoutKey = null;      // the layout the graph shows; the server sends a new one only when it changes
let latest = null;         // the last good answer of /api/explore
let svgIndex = null;       // dot id → the SVG text elements to rewrite
/** DotExporter's red: the border, and the warning row's fill, of a node with NaN or Inf. */
const RED = '#d62728';
let inFlight = false, pending = false;
let steps = null, stepAt = null;

const $ = id => document.getElementById(id);

export function startExplorer(params) {
  if (params.expr) state.expression = params.expr;
  state.at = params.at ? params.at : {};
  if (params.out !== undefined && params.out !== '') state.output = Number(params.out);
  if (params.node !== undefined && params.node !== '') state.node = Number(params.node);
  $('expression').value = state.expression;
  $('expression').addEventListener('input', () => {
    state.expression = $('expression').value;
    state.output = null;
    state.node = null;
    refresh();
  });
  $('output').addEventListener('change', () => {
    state.output = Number($('output').value);
    refresh();
  });
  $('step-forward').addEventListener('click', () => step('forward'));
  $('step-backward').addEventListener('click', () => step('backward'));
  $('step-reset').addEventListener('click', () => { stopStepping(); draw(); });
  refresh();
}

function request() {
  const body = {expression: state.expression, at: state.at, layout: layoutKey};
  if (state.output !== null) body.output = state.output;
  return body;
}

/** Asks for the current state; while one request is out, later moves collapse into one more. */
async function refresh() {
  if (inFlight) { pending = true; return; }
  inFlight = true;
  const asked = request();
  try {
    const answer = await post('/api/explore', asked);
    if (answer.svg !== undefined) installGraph(answer.svg, answer.layout);
    else if (answer.svgError) noGraph(answer.svgError);
    latest = answer;
    $('error').hidden = true;
    syncVariables(answer);
    stopStepping();
    draw();
    saveUrl();
    if (state.node !== null) explain(state.node);
    if (addressError) { $('error').textContent = addressError; $('error').hidden = false; addressError = null; }
  } catch (e) {
    $('error').textContent = e.message;
    $('error').hidden = false;
    if (typeof state.at === 'string') {
      // The address's values did not read: start from the defaults, and say why.
      addressError = `the address's at= was not used: ${e.message}`;
      state.at = {};
      pending = true;
    }
  } finally {
    inFlight = false;
    if (pending) { pending = false; refresh(); }
  }
}

export function saveUrl() {
  if ($('explore').hidden) return;
  writeUrl({expr: state.expression, at: formatPoint(state.at),
    out: state.output === null ? '' : state.output, node: state.node === null ? '' : state.node});
}

/** Row-major elements of a number or nested lists. */
function flat(v) {
  return Array.isArray(v) ? v.flatMap(flat) : [v];
}

/** Elements back into nested lists of `shape`. */
function nest(values, shape, at = 0) {
  if (shape.length === 0) return values[at];
  const size = shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({length: shape[0]}, (_, i) => nest(values, shape.slice(1), at + i * size));
}

/** `[1, 0]` for element 2 of shape [2, 2]: the index NodeCheck and the command line print. */
function index(k, shape) {
  const out = [];
  for (let d = shape.length - 1; d >= 0; d--) { out.unshift(k % shape[d]); k = Math.floor(k / shape[d]); }
  return out;
}

const ident = name => name.replace(/[^A-Za-z0-9_]/g, '_');

/**
 * One row per variable, kept across answers: for a number, a slider, a number box and the slider's
 * range; for a tensor, a slider and a number box per element (one range for all of them) up to
 * ELEMENT_EDITORS elements, and above that one text box holding the whole value.
 */
function syncVariables(answer) {
  if (typeof state.at === 'string') state.at = {}; // the address's text, now read: the answer holds its values
  const names = Object.keys(answer.at);
  const box = $('variables');
  for (const row of [...box.children]) if (!names.includes(row.dataset.name)) row.remove();
  for (const name of names) {
    const v = answer.at[name];
    const shape = answer.shapes[name];
    // A move made while this answer was on its way is newer than the answer: keep it, and the editors
    // as the user left them; the request already queued carries it.
    const newer = pending && name in state.at;
    if (!newer) state.at[name] = v;
    const values = flat(v);
    if (!state.ranges[name]) {
      state.ranges[name] = {min: Math.min(-5, Math.floor(Math.min(...values)) - 1), max: Math.max(5, Math.ceil(Math.max(...values)) + 1)};
    }
    let row = box.querySelector(`[data-name="${CSS.escape(name)}"]`);
    if (row && row.dataset.shape !== JSON.stringify(shape)) { row.remove(); row = null; }
    if (!row) row = variableRow(name, shape);
    for (const input of row.querySelectorAll('input.min, input.max')) {
      if (document.activeElement !== input) input.value = state.ranges[name][input.classList.contains('min') ? 'min' : 'max'];
    }
    if (newer) continue;
    const whole = row.querySelector('input.whole');
    if (whole) {
      if (document.activeElement !== whole) whole.value = JSON.stringify(v);
      continue;
    }
    values.forEach((x, k) => {
      const slider = row.querySelector(`input[type=range][data-k="${k}"]`);
      const number = row.querySelector(`input.value[data-k="${k}"]`);
      if (document.activeElement !== number) number.value = x;
      slider.min = state.ranges[name].min;
      slider.max = state.ranges[name].max;
      slider.value = x;
    });
  }
  for (const name of Object.keys(state.at)) if (!names.includes(name)) delete state.at[name];
}

function variableRow(name, shape) {
  const row = document.createElement('div');
  const size = shape.reduce((a, b) => a * b, 1);
  const id = ident(name);
  row.className = shape.length === 0 ? 'variable' : 'variable tensor';
  row.dataset.name = name;
  row.dataset.shape = JSON.stringify(shape);
  const label = document.createElement('label');
  label.textContent = shape.length === 0 ? name : `${name} [${shape.join('×')}]`;
  row.append(label);
  const set = (k, v) => {
    if (!Number.isFinite(v)) return;
    if (shape.length === 0) state.at[name] = v;
    else { const values = flat(state.at[name]); values[k] = v; state.at[name] = nest(values, shape); }
    refresh();
  };
  if (size > ELEMENT_EDITORS) {
    // Too many elements for a slider each: the whole value as the command line writes it.
    const whole = document.createElement('input');
    whole.className = 'whole';
    whole.id = `value-${id}`;
    whole.spellcheck = false;
    whole.addEventListener('change', () => {
      // Sent as typed: the server reads it with the command line's reader and names what is wrong.
      let v;
      try { v = JSON.parse(whole.value); } catch (e) { v = undefined; }
      if (v === undefined || flat(v).some(x => typeof x !== 'number')) {
        $('error').textContent = `${name}: expected a number or nested lists of numbers such as [[1, 2], [3, 4]], got ${whole.value}`;
        $('error').hidden = false;
        return;
      }
      state.at[name] = v;
      refresh();
    });
    const note = document.createElement('div');
    note.className = 'range';
    note.textContent = `${size} elements: more than ${ELEMENT_EDITORS}, so edited as a whole`;
    row.append(whole, note);
  } else {
    for (let k = 0; k < size; k++) {
      const suffix = shape.length === 0 ? '' : `-${k}`;
      const slider = document.createElement('input');
      slider.type = 'range';
      slider.step = 'any';
      const number = document.createElement('input');
      number.type = 'number';
      number.step = 'any';
      number.className = 'value';
      if (shape.length === 0) {
        row.append(slider, number);
      } else {
        const el = document.createElement('div');
        el.className = 'element';
        const at = document.createElement('span');
        at.textContent = `[${index(k, shape).join(',')}]`;
        el.append(at, slider, number);
        row.append(el);
      }
      slider.id = `slider-${id}${suffix}`;
      number.id = `value-${id}${suffix}`;
      slider.dataset.k = number.dataset.k = k;
      slider.addEventListener('input', e => { number.value = e.target.value; set(k, Number(e.target.value)); });
      number.addEventListener('input', e => set(k, Number(e.target.value)));
    }
  }
  const range = document.createElement('div');
  range.className = 'range';
  range.innerHTML = 'range <input type="number" step="any" class="min"> to <input type="number" step="any" class="max">';
  range.querySelector('input.min').id = `min-${id}`;
  range.querySelector('input.max').id = `max-${id}`;
  for (const end of ['min', 'max']) {
    range.querySelector(`input.${end}`).addEventListener('change', e => {
      const v = Number(e.target.value);
      if (Number.isFinite(v)) state.ranges[name][end] = v;
      syncVariables(latest);
    });
  }
  if (size <= ELEMENT_EDITORS) row.append(range);
  $('variables').append(row);
  return row;
}

function noGraph(message) {
  layoutKey = null;
  svgIndex = null;
  $('graph').textContent = '';
  $('graph-note').textContent = message;
}

/** A new layout: index the text elements that hold values, gradients and edge contributions. */
function installGraph(svgText, key) {
  layoutKey = key;
  const graph = $('graph');
  graph.innerHTML = svgText.replace(/^[\s\S]*?(<svg)/, '$1');
  $('graph-note').textContent = 'Click a node to read its chain rule.';
  svgIndex = {nodes: {}, edges: {}};
  for (const g of graph.querySelectorAll('g.node')) {
    const dot = g.querySelector('title').textContent;
    const texts = [...g.querySelectorAll('text')];
    g.dataset.dot = dot;
    // A tensor's value and gradient take as many text lines as the server's valueLines: the line that
    // starts with "value " (or "grad ") and the ones after it.
    const from = prefix => { const i = texts.findIndex(t => t.textContent.startsWith(prefix)); return i < 0 ? [] : texts.slice(i); };
    // The NaN/Inf warning: its row (text and red fill) if the layout has one, and the border, whose
    // finite look is the layout's own unless the layout drew it red.
    const shapes = [...g.querySelectorAll('polygon, polyline, path')];
    const warning = texts.find(t => /^(NaN|Inf) in (value|grad)\b/.test(t.textContent)) || null;
    const cells = warning ? shapes.filter(e => e.getAttribute('fill') === RED) : [];
    const border = shapes.filter(e => !['none', 'transparent'].includes(e.getAttribute('stroke')));
    for (const e of border) {
      const red = e.getAttribute('stroke') === RED;
      e.dataset.stroke = red ? 'black' : e.getAttribute('stroke');
      e.dataset.strokeWidth = red ? '1' : (e.getAttribute('stroke-width') || '1');
    }
    svgIndex.nodes[dot] = {g, value: from('value '), grad: from('grad '), warning, cells, border};
    g.addEventListener('click', () => {
      const n = latest && latest.nodes.find(n => n.dot === dot);
      if (n) { state.node = n.id; saveUrl(); explain(n.id); }
    });
  }
  for (const g of graph.querySelectorAll('g.edge')) {
    const key = g.querySelector('title').textContent;
    (svgIndex.edges[key] = svgIndex.edges[key] || []).push({g, texts: [...g.querySelectorAll('text')]});
  }
}

/** Every view from the latest answer: summary, table, output choice, and the numbers in the graph. */
function draw() {
  if (!latest) return;
  const a = latest;
  const summary = $('summary');
  summary.textContent = '';
  const line = (id, text) => {
    const d = document.createElement('div');
    d.id = id;
    d.textContent = text;
    summary.append(d);
  };
  const out = /^[A-Za-z_][A-Za-z0-9_]*$/.test(a.outputName) ? a.outputName : `(${a.outputName})`;
  line('value', `${a.outputName} = ${full(a.value)}`);
  for (const [name, g] of Object.entries(a.gradient)) {
    const shape = a.shapes[name];
    if (shape.length === 0) { line(`grad-${name}`, `d${out}/d${name} = ${full(g)}`); continue; }
    // A tensor's gradient element by element, each at every digit, as the table of the command line.
    line(`grad-${name}`, `d${out}/d${name} = ${JSON.stringify(g)}`);
    flat(g).forEach((x, k) => line(`grad-${ident(name)}-${k}`, `  d${out}/d${name}[${index(k, shape).join(',')}] = ${full(x)}`));
  }

  const select = $('output');
  select.textContent = '';
  for (const o of a.outputs) {
    const opt = document.createElement('option');
    opt.value = o.id;
    opt.textContent = o.name;
    opt.selected = o.id === a.output;
    select.append(opt);
  }

  const table = $('nodes');
  table.innerHTML = '<tr><th>node</th><th>op</th><th>value</th><th>gradient</th></tr>';
  for (const n of a.nodes) {
    const tr = document.createElement('tr');
    tr.id = `node-${n.id}`;
    // A gradient of NaN or Inf is null in JSON too: only a node without gradient lines has none.
    for (const t of [n.name, n.op, show(n.value), n.gradientLines ? show(n.gradient) : 'not required']) {
      const td = document.createElement('td');
      td.textContent = t;
      tr.append(td);
    }
    tr.addEventListener('click', () => { state.node = n.id; saveUrl(); explain(n.id); });
    table.append(tr);
  }

  if (!svgIndex) return;
  for (const n of a.nodes) {
    const s = svgIndex.nodes[n.dot];
    if (!s) continue;
    setLines(s.value, n.valueLines);
    if (n.gradientLines) {
      setLines(s.grad, n.gradientLines);
      // The layout's "k of n exactly 0" row (dead units) follows the gradient, or goes blank.
      const dead = s.grad.slice(n.gradientLines.length).find(t => /^\d+ of \d+ exactly 0$/.test(t.textContent));
      if (dead) {
        const g = flat(n.gradient);
        const zeros = g.filter(v => v === 0).length;
        dead.textContent = zeros > 0 && zeros < g.length ? `${zeros} of ${g.length} exactly 0` : '';
      }
    }
    // The NaN/Inf warning follows too: the row reads the server's text or goes blank, and the border
    // is red exactly while there is something to warn of (also on a node whose layout has no row).
    if (s.warning) s.warning.textContent = n.warning || '';
    for (const e of s.cells) e.setAttribute('fill', n.warning ? RED : 'none');
    for (const e of s.border) {
      e.setAttribute('stroke', n.warning ? RED : e.dataset.stroke);
      e.setAttribute('stroke-width', n.warning ? '3' : e.dataset.strokeWidth);
    }
    s.g.classList.toggle('selected', n.id === state.node);
  }
  const seen = {};
  for (const e of a.edges) {
    const key = `${e.from}->${e.to}`;
    const k = seen[key] = (seen[key] || 0) + 1;
    const el = (svgIndex.edges[key] || [])[k - 1];
    if (el && e.lines) setLines(el.texts, e.lines);
  }
}

/** A number or a tensor (nested lists) at every digit. */
function show(v) {
  return Array.isArray(v) ? JSON.stringify(v) : full(v);
}

/** Writes `lines` into the first text elements of `texts` (the lines a tensor takes in the graph). */
function setLines(texts, lines) {
  if (!texts) return;
  lines.forEach((line, i) => { if (texts[i]) texts[i].textContent = line; });
}

async function explain(id) {
  try {
    const body = request();
    body.node = id;
    if (state.element !== null && state.elementNode === id) body.element = state.element;
    const x = await post('/api/explain', body);
    $('explain').hidden = false;
    $('explain-title').textContent = `Node ${x.name}` + (x.shape && x.shape.length ? ` [${x.shape.join('×')}]` : '');
    elementChoice(x, id);
    $('explanation').textContent = x.explanation;
    const table = $('check');
    table.innerHTML = '<tr><th>element</th><th>autodiff</th><th>numeric</th><th>|error|</th><th>status</th><th>kinks</th></tr>';
    for (const e of (x.check && x.check.entries) || []) {
      const tr = document.createElement('tr');
      for (const t of [e.element, full(e.autodiff), full(e.numeric), full(e.absError), e.status, e.kinks.join('; ')]) {
        const td = document.createElement('td');
        td.textContent = t;
        tr.append(td);
      }
      tr.className = `status-${e.status}`;
      table.append(tr);
    }
    $('check-summary').textContent = (x.check && x.check.summary) || '';
    if (svgIndex) for (const [dot, s] of Object.entries(svgIndex.nodes)) {
      const n = latest.nodes.find(n => n.dot === dot);
      s.g.classList.toggle('selected', !!n && n.id === id);
    }
  } catch (e) {
    $('error').textContent = e.message;
    $('error').hidden = false;
  }
}

/** For a tensor node, which element Explain nudges (by default the one with the largest gradient). */
function elementChoice(x, id) {
  const select = $('explain-element');
  const size = (x.shape || []).reduce((a, b) => a * b, 1);
  select.parentElement.hidden = size <= 1;
  if (size <= 1) return;
  select.textContent = '';
  const nudged = x.nudges && x.nudges.length ? x.nudges[0].element : 0;
  for (let k = 0; k < size; k++) {
    const opt = document.createElement('option');
    opt.value = k;
    opt.textContent = `${x.name}[${index(k, x.shape).join(',')}]`;
    opt.selected = k === nudged;
    select.append(opt);
  }
  select.onchange = () => { state.element = Number(select.value); state.elementNode = id; explain(id); };
}

// ------------------------------------------------------------------ stepping through the passes

function stopStepping() {
  steps = null;
  stepAt = null;
  $('step-status').textContent = '';
  $('step-log').textContent = '';
  if (svgIndex) {
    for (const s of Object.values(svgIndex.nodes)) s.g.classList.remove('active');
    for (const list of Object.values(svgIndex.edges)) for (const e of list) e.g.classList.remove('sending');
  }
}

function log(text) {
  const li = document.createElement('li');
  li.textContent = text;
  $('step-log').append(li);
  li.scrollIntoView({block: 'nearest'});
}

/** One more node of the forward or backward pass, in the engine's order. */
async function step(pass) {
  if (!steps || steps.pass !== pass) {
    try {
      const answer = await post('/api/steps', request());
      stopStepping();
      steps = {pass, list: answer[pass]};
      stepAt = 0;
      // Blank what the pass is about to compute, so each step shows what it adds.
      if (svgIndex) for (const [dot, s] of Object.entries(svgIndex.nodes)) {
        const n = latest && latest.nodes.find(n => n.dot === dot);
        const blank = (texts, first, lines) => setLines(texts, [first, ...Array(Math.max(0, (lines || []).length - 1)).fill('')]);
        if (pass === 'backward' && n && n.gradientLines) blank(s.grad, 'grad ·', n.gradientLines);
        if (pass === 'forward' && n) blank(s.value, 'value ·', n.valueLines);
      }
      if (svgIndex && pass === 'backward') for (const list of Object.values(svgIndex.edges)) {
        for (const e of list) e.texts.forEach((t, i) => { t.textContent = i === 0 ? '·' : ''; });
      }
      log(pass === 'backward'
        ? `backward: ${steps.list.length} nodes in reverse topological order, the output first (its gradient is 1)`
        : `forward: ${steps.list.length} nodes, each after its inputs`);
    } catch (e) {
      $('error').textContent = e.message;
      $('error').hidden = false;
      return;
    }
  }
  if (stepAt >= steps.list.length) {
    $('step-status').textContent = `${pass} pass done: ${steps.list.length} nodes`;
    return;
  }
  const s = steps.list[stepAt++];
  if (svgIndex) {
    for (const n of Object.values(svgIndex.nodes)) n.g.classList.toggle('active', n.g.dataset.dot === s.node);
    for (const list of Object.values(svgIndex.edges)) for (const e of list) e.g.classList.remove('sending');
  }
  if (pass === 'forward') {
    const n = svgIndex && svgIndex.nodes[s.node];
    if (n) setLines(n.value, s.valueLines);
    log(`${s.name}: ${s.valueText}`);
  } else {
    const n = svgIndex && svgIndex.nodes[s.node];
    if (n) setLines(n.grad, s.gradientLines);
    log(`${s.name} holds its gradient ${show(s.gradient)} and sends ${s.sends.length} contribution${s.sends.length === 1 ? '' : 's'}`);
    const seen = {};
    for (const c of s.sends) {
      const key = `${c.to}->${c.from}`; // edges point the forward way, from input to consumer
      const k = seen[key] = (seen[key] || 0) + 1;
      const edge = svgIndex && (svgIndex.edges[key] || [])[k - 1];
      if (edge) { edge.g.classList.add('sending'); setLines(edge.texts, c.lines); }
      const to = svgIndex && svgIndex.nodes[c.to];
      if (to) setLines(to.grad, c.sumLines);
      log(`  ${s.name} → ${c.toName}: contribution ${show(c.contribution)}; ${c.toName} has received ${c.received}, running sum ${show(c.sum)}`);
    }
  }
  $('step-status').textContent = `${pass} step ${stepAt} of ${steps.list.length}: ${s.name}`;
}
