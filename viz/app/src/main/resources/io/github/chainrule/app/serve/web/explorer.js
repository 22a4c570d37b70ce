// The explorer: an expression, a slider per variable, and its graph with every node's value and
// gradient. The state below is everything the page shows; every view is drawn from it.
import {parsePoint, formatPoint, writeUrl, post, full} from './state.js';

const state = {expression: 'x*y + sin(x)', at: {}, ranges: {}, output: null, node: null};
let layoutKey = null;      // the layout the graph shows; the server sends a new one only when it changes
let latest = null;         // the last good answer of /api/explore
let svgIndex = null;       // dot id → the SVG text elements to rewrite
let inFlight = false, pending = false;
let steps = null, stepAt = null;

const $ = id => document.getElementById(id);

export function startExplorer(params) {
  if (params.expr) state.expression = params.expr;
  state.at = parsePoint(params.at);
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
  } catch (e) {
    $('error').textContent = e.message;
    $('error').hidden = false;
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

/** One row per variable: a slider, a number box and the slider's range; kept across answers. */
function syncVariables(answer) {
  const names = Object.keys(answer.at);
  const box = $('variables');
  for (const row of [...box.children]) if (!names.includes(row.dataset.name)) row.remove();
  for (const name of names) {
    const v = answer.at[name];
    state.at[name] = v;
    if (!state.ranges[name]) state.ranges[name] = {min: Math.min(-5, Math.floor(v) - 1), max: Math.max(5, Math.ceil(v) + 1)};
    let row = box.querySelector(`[data-name="${CSS.escape(name)}"]`);
    if (!row) row = variableRow(name);
    const slider = row.querySelector('input[type=range]');
    const number = row.querySelector('input.value');
    if (document.activeElement !== number) number.value = v;
    slider.min = state.ranges[name].min;
    slider.max = state.ranges[name].max;
    slider.value = v;
  }
  for (const name of Object.keys(state.at)) if (!names.includes(name)) delete state.at[name];
}

function variableRow(name) {
  const row = document.createElement('div');
  row.className = 'variable';
  row.dataset.name = name;
  row.innerHTML = `<label></label><input type="range" step="any"><input type="number" step="any" class="value">
    <div class="range">range <input type="number" step="any" class="min"> to <input type="number" step="any" class="max"></div>`;
  row.querySelector('label').textContent = name;
  const id = name.replace(/[^A-Za-z0-9_]/g, '_');
  row.querySelector('input[type=range]').id = `slider-${id}`;
  row.querySelector('input.value').id = `value-${id}`;
  row.querySelector('input.min').id = `min-${id}`;
  row.querySelector('input.max').id = `max-${id}`;
  row.querySelector('input.min').value = state.ranges[name].min;
  row.querySelector('input.max').value = state.ranges[name].max;
  const set = v => {
    if (!Number.isFinite(v)) return;
    state.at[name] = v;
    refresh();
  };
  row.querySelector('input[type=range]').addEventListener('input', e => {
    row.querySelector('input.value').value = e.target.value;
    set(Number(e.target.value));
  });
  row.querySelector('input.value').addEventListener('input', e => set(Number(e.target.value)));
  for (const end of ['min', 'max']) {
    row.querySelector(`input.${end}`).addEventListener('change', e => {
      const v = Number(e.target.value);
      if (Number.isFinite(v)) state.ranges[name][end] = v;
      syncVariables(latest);
    });
  }
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
    svgIndex.nodes[dot] = {g, value: texts.find(t => t.textContent.startsWith('value ')),
      grad: texts.find(t => t.textContent.startsWith('grad '))};
    g.addEventListener('click', () => {
      const n = latest && latest.nodes.find(n => n.dot === dot);
      if (n) { state.node = n.id; saveUrl(); explain(n.id); }
    });
  }
  for (const g of graph.querySelectorAll('g.edge')) {
    const key = g.querySelector('title').textContent;
    (svgIndex.edges[key] = svgIndex.edges[key] || []).push({g, text: g.querySelector('text')});
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
  for (const [name, g] of Object.entries(a.gradient)) line(`grad-${name}`, `d${out}/d${name} = ${full(g)}`);

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
    for (const t of [n.name, n.op, full(n.value), n.gradient === null ? 'not required' : full(n.gradient)]) {
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
    if (s.value) s.value.textContent = n.valueText;
    if (s.grad && n.gradientText) s.grad.textContent = n.gradientText;
    s.g.classList.toggle('selected', n.id === state.node);
  }
  const seen = {};
  for (const e of a.edges) {
    const key = `${e.from}->${e.to}`;
    const k = seen[key] = (seen[key] || 0) + 1;
    const el = (svgIndex.edges[key] || [])[k - 1];
    if (el && el.text && e.text !== undefined) el.text.textContent = e.text;
  }
}

async function explain(id) {
  try {
    const body = request();
    body.node = id;
    const x = await post('/api/explain', body);
    $('explain').hidden = false;
    $('explain-title').textContent = `Node ${x.name}`;
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
      if (svgIndex) for (const s of Object.values(svgIndex.nodes)) {
        if (pass === 'backward' && s.grad) s.grad.textContent = 'grad ·';
        if (pass === 'forward' && s.value) s.value.textContent = 'value ·';
      }
      if (svgIndex && pass === 'backward') for (const list of Object.values(svgIndex.edges)) {
        for (const e of list) if (e.text) e.text.textContent = '·';
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
    if (n && n.value) n.value.textContent = s.valueText;
    log(`${s.name}: ${s.valueText}`);
  } else {
    const n = svgIndex && svgIndex.nodes[s.node];
    if (n && n.grad) n.grad.textContent = s.gradientText;
    log(`${s.name} holds its gradient ${full(s.gradient)} and sends ${s.sends.length} contribution${s.sends.length === 1 ? '' : 's'}`);
    const seen = {};
    for (const c of s.sends) {
      const key = `${c.to}->${c.from}`; // edges point the forward way, from input to consumer
      const k = seen[key] = (seen[key] || 0) + 1;
      const edge = svgIndex && (svgIndex.edges[key] || [])[k - 1];
      if (edge) { edge.g.classList.add('sending'); edge.text.textContent = c.text; }
      const to = svgIndex && svgIndex.nodes[c.to];
      if (to && to.grad) to.grad.textContent = c.sumText;
      log(`  ${s.name} → ${c.toName}: contribution ${full(c.contribution)}; ${c.toName} has received ${c.received}, running sum ${full(c.sum)}`);
    }
  }
  $('step-status').textContent = `${pass} step ${stepAt} of ${steps.list.length}: ${s.name}`;
}
