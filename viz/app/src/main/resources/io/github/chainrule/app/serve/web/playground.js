import {readUrl} from './state.js';
import {startExplorer} from './explorer.js';

const params = readUrl();
const tabs = {explore: startExplorer};
const started = {};

function show(tab) {
  for (const b of document.querySelectorAll('.tab')) b.classList.toggle('active', b.dataset.tab === tab);
  for (const p of document.querySelectorAll('.panel')) p.hidden = p.id !== tab;
  if (!started[tab]) {
    started[tab] = true;
    tabs[tab](params);
  }
}

for (const b of document.querySelectorAll('.tab')) b.addEventListener('click', () => show(b.dataset.tab));
show(params.demo || params.mode === 'train' ? 'train' : 'explore');
