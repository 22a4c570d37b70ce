import {readUrl} from './state.js';
import * as explorer from './explorer.js';
import * as trainer from './trainer.js';

const params = readUrl();
const tabs = {explore: explorer.startExplorer, train: trainer.startTrainer};
const urls = {explore: explorer.saveUrl, train: trainer.saveUrl};
const started = {};
let opened = false; // the address configures the first tab opened only

/** Shows one tab; its state takes over the address bar. */
function show(tab) {
  for (const b of document.querySelectorAll('.tab')) b.classList.toggle('active', b.dataset.tab === tab);
  for (const p of document.querySelectorAll('.panel')) p.hidden = p.id !== tab;
  if (!started[tab]) {
    started[tab] = true;
    tabs[tab](opened ? {} : params);
    opened = true;
  } else {
    urls[tab]();
  }
}

for (const b of document.querySelectorAll('.tab')) b.addEventListener('click', () => show(b.dataset.tab));
show(params.demo || params.mode === 'train' ? 'train' : 'explore');
