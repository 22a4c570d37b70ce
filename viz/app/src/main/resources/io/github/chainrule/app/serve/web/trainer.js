// The trainer: a setup (all of it in the URL), a session on the server that trains on the real
// engine, and views drawn from the latest frame the server streams.
import {writeUrl, post, full} from './state.js';

const $ = id => document.getElementById(id);
const FIELDS = ['demo', 'hidden', 'activation', 'output', 'data', 'loss', 'optimizer', 'lr', 'momentum', 'init', 'seed'];
const CHOICES = {
  activation: ['relu', 'tanh', 'sigmoid', 'leakyrelu', 'identity'],
  output: ['identity', 'sigmoid'],
  data: ['xor', 'circles', 'moons', 'spiral', 'parabola', 'wiggle', 'line', 'heaton-row', 'csv'],
  loss: ['mse', 'half-sse', 'mae', 'bce-logits'],
  optimizer: ['sgd', 'adam', 'rmsprop', 'adagrad'],
  init: ['seed', 'zeros', 'twins', 'heaton', 'heaton-twins', 'ones'],
};
let presets = {};
let setup = {};
let csvText = null;
let session = null, source = null, frame = null, byGradient = false;

export async function startTrainer(params) {
  presets = await (await fetch('/api/presets')).json();
  buildControls();
  setup = params.demo && presets[params.demo] ? {...presets[params.demo], demo: params.demo} : defaults();
  for (const f of FIELDS) if (params[f] !== undefined && f !== 'demo') setup[f] = parseField(f, params[f]);
  if (setup.demo && !presets[setup.demo]) delete setup.demo;
  fillControls();
  await start(Number(params.step || 0));
}

function defaults() {
  return {hidden: [4], activation: 'tanh', output: 'identity', data: 'xor', loss: 'mse', optimizer: 'adam', lr: 0.05,
    momentum: 0, init: 'seed', seed: 1};
}

function parseField(f, v) {
  if (f === 'hidden') return String(v).split(',').map(Number).filter(n => Number.isInteger(n) && n > 0);
  if (['lr', 'momentum', 'seed'].includes(f)) return Number(v);
  return v;
}

function row(label, ...children) {
  const d = document.createElement('div');
  d.className = 'trainer-row';
  if (label) {
    const l = document.createElement('label');
    l.textContent = label;
    d.append(l);
  }
  d.append(...children);
  return d;
}

function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function select(id, options) {
  const s = el('select', {id});
  for (const o of options) s.append(el('option', {value: o}, o));
  return s;
}

function buildControls() {
  const c = $('trainer-controls');
  const demo = select('t-demo', ['(custom)', ...Object.keys(presets)]);
  c.append(row('Demo', demo));
  c.append(row('Hidden', el('input', {id: 't-hidden', size: 8, title: 'hidden layer widths, e.g. 4,4'})));
  for (const f of ['activation', 'output', 'data', 'loss', 'optimizer', 'init']) c.append(row(f[0].toUpperCase() + f.slice(1), select(`t-${f}`, CHOICES[f])));
  c.append(row('CSV', el('input', {id: 't-csv', type: 'file', accept: '.csv,text/csv'})));
  c.append(row('Seed', el('input', {id: 't-seed', type: 'number', step: 1, min: 0})));
  c.append(row('Learning rate', el('input', {id: 't-lr', type: 'number', step: 'any'})));
  c.append(row('Momentum', el('input', {id: 't-momentum', type: 'number', step: 'any', min: 0, max: 0.99})));
  c.append(row('', el('button', {id: 't-apply'}, 'Apply setup')));
  c.append(el('hr'));
  c.append(row('', el('button', {id: 't-step'}, 'Step'), el('button', {id: 't-play'}, 'Play'),
    el('button', {id: 't-reset'}, 'Reset')));
  const speed = select('t-speed', ['10', '50', '200', '500', '1000', '2000']);
  c.append(row('Steps/s', speed));
  c.append(row('Run', el('input', {id: 't-run-steps', type: 'number', value: 200, min: 1, step: 1, size: 6}),
    el('button', {id: 't-run'}, 'steps')));
  c.append(el('div', {id: 'train-status'}));
  c.append(el('pre', {id: 'train-error', class: 'error', hidden: ''}));
  const exports = el('div', {id: 't-exports'});
  exports.append('Export: ');
  for (const [k, label] of [['dot', 'DOT'], ['svg', 'SVG'], ['weights', 'weights'], ['trajectory', 'trajectory CSV'], ['report', 'report']]) {
    exports.append(el('a', {id: `export-${k}`, href: '#'}, label), ' ');
  }
  c.append(exports);

  demo.addEventListener('change', () => {
    if (presets[demo.value]) { setup = {...presets[demo.value], demo: demo.value}; fillControls(); start(0); }
  });
  $('t-apply').addEventListener('click', () => { readControls(); start(0); });
  $('t-csv').addEventListener('change', async e => {
    const file = e.target.files[0];
    if (!file) return;
    csvText = await file.text();
    $('t-data').value = 'csv';
  });
  $('t-step').addEventListener('click', () => control({action: 'step'}));
  $('t-play').addEventListener('click', () => control({action: frame && frame.playing ? 'pause' : 'play'}));
  $('t-reset').addEventListener('click', () => control({action: 'reset'}));
  $('t-run').addEventListener('click', () => control({action: 'run', steps: Number($('t-run-steps').value)}));
  speed.addEventListener('change', () => control({action: 'set', speed: Number(speed.value)}));
  $('t-lr').addEventListener('change', () => {
    const lr = Number($('t-lr').value);
    if (lr > 0) { setup.lr = lr; control({action: 'set', lr}); }
  });

  const v = $('trainer-views');
  v.innerHTML = `
    <div class="row">
      <figure><figcaption>Loss (train, test) per step, log scale</figcaption><canvas id="loss-chart" width="420" height="220"></canvas></figure>
      <figure><figcaption>Network: edge width and colour by <label><input type="checkbox" id="by-gradient"> gradient</label></figcaption>
        <svg id="network" width="420" height="240"></svg></figure>
    </div>
    <div class="row">
      <figure id="view-1d" hidden><figcaption>Data, fit, and each hidden unit's weighted piece (dashed: kinks)</figcaption><canvas id="fit-chart" width="420" height="260"></canvas><div id="fit-note" class="note"></div></figure>
      <figure id="view-2d" hidden><figcaption>Decision boundary (output over the plane) and each first-layer unit</figcaption>
        <canvas id="boundary" width="260" height="260"></canvas><div class="heatmaps" id="heatmaps"></div></figure>
    </div>
    <div class="row">
      <figure><figcaption>Parameter trajectories</figcaption><canvas id="traj-values" width="420" height="200"></canvas></figure>
      <figure><figcaption>Gradient trajectories</figcaption><canvas id="traj-grads" width="420" height="200"></canvas></figure>
    </div>
    <div class="row">
      <figure><figcaption>Gradient health: |grad| per layer over time, log scale</figcaption><canvas id="health-chart" width="420" height="200"></canvas>
        <div id="health"></div></figure>
      <div><h3>Weights</h3><table id="weights"></table></div>
    </div>
    <div><button id="show-graph">Show the graph of one sample at this step</button><div id="sample-graph" class="graph"></div></div>`;
  $('by-gradient').addEventListener('change', e => { byGradient = e.target.checked; draw(); });
  $('show-graph').addEventListener('click', showSampleGraph);
}

function fillControls() {
  $('t-demo').value = setup.demo || '(custom)';
  $('t-hidden').value = setup.hidden.join(',');
  for (const f of ['activation', 'output', 'data', 'loss', 'optimizer', 'init']) $(`t-${f}`).value = setup[f];
  $('t-seed').value = setup.seed;
  $('t-lr').value = setup.lr;
  $('t-momentum').value = setup.momentum;
}

function readControls() {
  setup = {hidden: parseField('hidden', $('t-hidden').value)};
  for (const f of ['activation', 'output', 'data', 'loss', 'optimizer', 'init']) setup[f] = $(`t-${f}`).value;
  setup.seed = Number($('t-seed').value);
  setup.lr = Number($('t-lr').value);
  setup.momentum = Number($('t-momentum').value);
}

function showError(message) {
  $('train-error').textContent = message || '';
  $('train-error').hidden = !message;
}

/** A new session for the setup; with `steps`, it first trains that many steps (a reloaded URL). */
async function start(steps) {
  if (source) { source.close(); source = null; }
  const body = {...setup};
  if (setup.data === 'csv') body.csv = csvText;
  if (steps > 0) body.steps = steps;
  try {
    const answer = await post('/api/sessions', body);
    session = answer.id;
    showError(null);
    onFrame(answer.frame);
    source = new EventSource(`/api/sessions/${session}/stream`);
    source.onmessage = e => onFrame(JSON.parse(e.data));
    for (const k of ['dot', 'svg', 'weights', 'trajectory', 'report']) $(`export-${k}`).href = `/api/sessions/${session}/export/${k}`;
  } catch (e) {
    showError(e.message);
  }
}

async function control(body) {
  if (!session) return;
  try {
    onFrame(await post(`/api/sessions/${session}/control`, body));
  } catch (e) {
    showError(e.message);
  }
}

function onFrame(f) {
  // A stream frame and a control's answer can cross: keep the newer of the same session.
  if (frame && f.id === frame.id && f.seq < frame.seq) return;
  frame = f;
  saveUrl();
  draw();
}

export function saveUrl() {
  const f = frame;
  if (!f || $('train').hidden) return;
  const params = {mode: 'train'};
  for (const k of FIELDS) if (setup[k] !== undefined) params[k] = Array.isArray(setup[k]) ? setup[k].join(',') : setup[k];
  params.lr = f.lr;
  params.step = f.step;
  writeUrl(params);
}

// ------------------------------------------------------------------ views, each a function of the frame

function draw() {
  const f = frame;
  if (!f) return;
  $('train-status').innerHTML = '';
  for (const [id, text] of [['train-step', `step ${f.step}`], ['train-loss', `loss ${full(f.loss)}`],
    ['test-loss', f.testLoss === null ? 'no test set' : `test loss ${full(f.testLoss)}`],
    ['train-network', `${f.sizes}, ${f.data}`]]) {
    $('train-status').append(el('div', {id}, text));
  }
  $('t-play').textContent = f.playing ? 'Pause' : 'Play';
  if (document.activeElement !== $('t-speed')) $('t-speed').value = String(f.speed);
  if (document.activeElement !== $('t-lr')) $('t-lr').value = f.lr;
  if (f.error) showError(f.error);
  lines($('loss-chart'), f.history.step, [f.history.train, f.history.test], {log: true, names: ['train', 'test']});
  network(f);
  lines($('traj-values'), f.trajectory.step, f.trajectory.values, {names: f.trajectory.names});
  lines($('traj-grads'), f.trajectory.step, f.trajectory.grads, {names: f.trajectory.names});
  lines($('health-chart'), f.health.step, f.health.norms, {log: true, names: f.layers.map(l => `layer ${l.name}`)});
  const health = $('health');
  health.textContent = '';
  f.layers.forEach((l, k) => health.append(el('div', {}, `layer ${l.name}: ${f.health.verdicts[k]}`
    + (k < f.health.dead.length ? `; dead units after it: ${f.health.dead[k]} of ${l.out}` : ''))));
  // GradientHealth's findings over the whole network: vanishing layers, growth with depth, non-finite gradients.
  const flags = f.health.flags || [];
  health.append(el('div', {id: 'health-verdict'}, flags.length ? flags.join('; ')
    : f.health.verdicts[0] === 'no gradient yet' ? 'no gradient yet' : 'healthy: no layer vanishing, no growth with depth beyond ×2'));
  weights(f);
  $('view-1d').hidden = !f.view1d;
  $('view-2d').hidden = !f.view2d;
  if (f.view1d) fit(f.view1d);
  if (f.view2d) plane(f.view2d);
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#393b79', '#637939'];

/** Line chart of several series over `xs` on a canvas; nulls leave gaps. */
function lines(canvas, xs, series, {log = false, names = []} = {}) {
  const ctx = canvas.getContext('2d');
  const W = canvas.width, H = canvas.height, L = 48, B = 18;
  ctx.clearRect(0, 0, W, H);
  const tf = v => (v === null || !Number.isFinite(v) || (log && v <= 0)) ? null : (log ? Math.log10(v) : v);
  let lo = Infinity, hi = -Infinity;
  for (const s of series) for (const v of s) { const t = tf(v); if (t !== null) { lo = Math.min(lo, t); hi = Math.max(hi, t); } }
  if (!Number.isFinite(lo) || xs.length === 0) return;
  if (hi - lo < 1e-12) { hi += 0.5; lo -= 0.5; }
  const x0 = xs[0], x1 = Math.max(xs[xs.length - 1], x0 + 1);
  const px = x => L + (x - x0) / (x1 - x0) * (W - L - 6);
  const py = v => 6 + (hi - v) / (hi - lo) * (H - B - 12);
  ctx.strokeStyle = '#ccc';
  ctx.strokeRect(L, 6, W - L - 6, H - B - 12);
  ctx.fillStyle = '#555';
  ctx.font = '10px sans-serif';
  const label = v => log ? `1e${v.toFixed(1)}` : Number(v.toPrecision(3)).toString();
  ctx.fillText(label(hi), 2, 14);
  ctx.fillText(label(lo), 2, H - B - 6);
  ctx.fillText(String(x0), L, H - 4);
  ctx.fillText(String(x1), W - 40, H - 4);
  series.forEach((s, k) => {
    ctx.strokeStyle = COLOURS[k % COLOURS.length];
    ctx.beginPath();
    let pen = false;
    s.forEach((v, i) => {
      const t = tf(v);
      if (t === null) { pen = false; return; }
      if (pen) ctx.lineTo(px(xs[i]), py(t)); else ctx.moveTo(px(xs[i]), py(t));
      pen = true;
    });
    ctx.stroke();
    if (names[k] && k < 6) { ctx.fillStyle = ctx.strokeStyle; ctx.fillText(names[k], W - 120, 16 + 11 * k); }
  });
}

/** The network: units in columns, each edge as thick as |weight| (or |gradient|), blue positive, red negative. */
function network(f) {
  const svg = $('network');
  const W = 420, H = 240;
  const sizes = [f.layers[0].in, ...f.layers.map(l => l.out)];
  const pos = sizes.map((n, c) => Array.from({length: n}, (_, i) => [30 + c * (W - 60) / (sizes.length - 1), H / 2 + (i - (n - 1) / 2) * Math.min(28, (H - 30) / n)]));
  let max = 1e-12;
  for (const l of f.layers) for (const r of (byGradient ? l.grad : l.weight)) for (const v of r) max = Math.max(max, Math.abs(v || 0));
  let out = '';
  f.layers.forEach((l, k) => {
    const m = byGradient ? l.grad : l.weight;
    m.forEach((r, j) => r.forEach((v, i) => {
      const [x1, y1] = pos[k][i], [x2, y2] = pos[k + 1][j];
      const w = 0.5 + 5 * Math.abs(v || 0) / max;
      out += `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${(v || 0) >= 0 ? '#1f5fa8' : '#c0392b'}" stroke-width="${w.toFixed(2)}" stroke-opacity="0.8"><title>layer ${l.name} weight [${j},${i}] = ${v}; grad ${l.grad[j][i]}</title></line>`;
    }));
  });
  pos.forEach(col => col.forEach(([x, y]) => { out += `<circle cx="${x}" cy="${y}" r="7" fill="#fff" stroke="#333"/>`; }));
  svg.innerHTML = out;
}

function weights(f) {
  const t = $('weights');
  t.innerHTML = '<tr><th>layer</th><th>unit</th><th>incoming weights</th><th>bias</th><th>gradients</th></tr>';
  f.layers.forEach((l, k) => l.weight.forEach((r, j) => {
    const tr = el('tr', {id: `w-${k}-${j}`});
    for (const text of [l.name, j, r.map(full).join(', '), full(l.bias[j]), l.grad[j].map(full).join(', ') + ' | ' + full(l.biasGrad[j])]) {
      tr.append(el('td', {}, String(text)));
    }
    t.append(tr);
  }));
}

function fit(v) {
  const canvas = $('fit-chart');
  const ctx = canvas.getContext('2d');
  const W = canvas.width, H = canvas.height;
  ctx.clearRect(0, 0, W, H);
  const ys = [...v.fit, ...v.dataY, ...(v.pieces || []).flat()].filter(Number.isFinite);
  let lo = Math.min(...ys), hi = Math.max(...ys);
  if (hi - lo < 1e-9) { hi += 1; lo -= 1; }
  const x0 = v.x[0], x1 = v.x[v.x.length - 1];
  const px = x => 10 + (x - x0) / (x1 - x0) * (W - 20);
  const py = y => 10 + (hi - y) / (hi - lo) * (H - 20);
  const curve = (ys, colour, dash = []) => {
    ctx.strokeStyle = colour; ctx.setLineDash(dash); ctx.beginPath();
    ys.forEach((y, i) => i ? ctx.lineTo(px(v.x[i]), py(y)) : ctx.moveTo(px(v.x[i]), py(y)));
    ctx.stroke(); ctx.setLineDash([]);
  };
  // A wide layer sends the pieces of its largest units only (pieceUnits), and every kink; colours follow the unit.
  (v.pieces || []).forEach((p, k) => curve(p, COLOURS[((v.pieceUnits ? v.pieceUnits[k] : k) + 2) % COLOURS.length] + '99'));
  $('fit-note').textContent = v.pieces && v.units > v.pieces.length
    ? `pieces of the ${v.pieces.length} largest of ${v.units} units; kinks of all ${v.units}` : '';
  (v.kinks || []).forEach((k, i) => {
    if (k === null || k < x0 || k > x1) return;
    ctx.strokeStyle = COLOURS[(i + 2) % COLOURS.length]; ctx.setLineDash([3, 3]);
    ctx.beginPath(); ctx.moveTo(px(k), 10); ctx.lineTo(px(k), H - 10); ctx.stroke(); ctx.setLineDash([]);
  });
  curve(v.fit, '#000');
  ctx.fillStyle = '#1f77b4';
  v.dataX.forEach((x, i) => { ctx.beginPath(); ctx.arc(px(x), py(v.dataY[i]), 3, 0, 7); ctx.fill(); });
  if (v.testX) { ctx.fillStyle = '#ff7f0e88'; v.testX.forEach((x, i) => { ctx.beginPath(); ctx.arc(px(x), py(v.testY[i]), 2, 0, 7); ctx.fill(); }); }
}

/** A heatmap of `values` (grid × grid, row 0 at the top), blue high, orange low, white at `mid`. */
function heatmap(canvas, values, grid, mid) {
  const ctx = canvas.getContext('2d');
  const W = canvas.width, H = canvas.height;
  const finite = values.filter(Number.isFinite);
  const span = Math.max(1e-9, ...finite.map(v => Math.abs(v - mid)));
  for (let r = 0; r < grid; r++) for (let c = 0; c < grid; c++) {
    const t = Math.max(-1, Math.min(1, ((values[r * grid + c] ?? mid) - mid) / span));
    const a = Math.abs(t);
    const [R, G, B] = t >= 0 ? [255 - 200 * a, 255 - 120 * a, 255] : [255, 255 - 100 * a, 255 - 220 * a];
    ctx.fillStyle = `rgb(${R | 0},${G | 0},${B | 0})`;
    ctx.fillRect(c * W / grid, r * H / grid, W / grid + 1, H / grid + 1);
  }
}

function plane(v) {
  const canvas = $('boundary');
  if (v.output.length) heatmap(canvas, v.output, v.grid, 0.5);
  const ctx = canvas.getContext('2d');
  const [x0, x1, y0, y1] = v.extent;
  for (let i = 0; i < v.labels.length; i++) {
    const x = (v.points[2 * i] - x0) / (x1 - x0) * canvas.width;
    const y = (y1 - v.points[2 * i + 1]) / (y1 - y0) * canvas.height;
    ctx.fillStyle = v.labels[i] > 0.5 ? '#1f5fa8' : '#d35400';
    ctx.strokeStyle = '#fff';
    ctx.beginPath(); ctx.arc(x, y, 3.5, 0, 7); ctx.fill(); ctx.stroke();
  }
  const maps = $('heatmaps');
  while (maps.children.length > v.hidden.length) maps.lastChild.remove();
  v.hidden.forEach((m, u) => {
    let fig = maps.children[u];
    if (!fig) {
      fig = el('figure');
      fig.append(el('canvas', {width: 60, height: 60}), el('figcaption', {}, `unit ${u}`));
      maps.append(fig);
    }
    heatmap(fig.querySelector('canvas'), m, v.grid, 0);
  });
}

async function showSampleGraph() {
  if (!session) return;
  const r = await fetch(`/api/sessions/${session}/export/svg`);
  const text = await r.text();
  if (!r.ok) { showError(JSON.parse(text).error); return; }
  $('sample-graph').innerHTML = text.replace(/^[\s\S]*?(<svg)/, '$1');
}
