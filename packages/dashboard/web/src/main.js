import { html, render } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import 'highlight.js/styles/github.css';
import './style.css';
import { Ablation, Candidate, Job, Jobs, Population, Studies, Study, Workers } from './pages.js';

const PAGES = {
  study: Study,
  workers: Workers,
  jobs: Jobs,
  job: Job,
  population: Population,
  candidate: Candidate,
  ablation: Ablation,
};
const ARGS = {
  study: ['id'],
  workers: ['id'],
  jobs: ['id', 'run'],
  job: ['id', 'run', 'job'],
  population: ['id', 'run'],
  candidate: ['id', 'run', 'candidate'],
  ablation: ['id'],
};

/** Routes are in the URL's hash (#/study/ID, #/candidate/ID/RUN/CID…), so the server serves one page. */
function route() {
  const [name, ...parts] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const Page = PAGES[name];
  if (!Page) return html`<${Studies} />`;
  const props = Object.fromEntries(ARGS[name].map((k, i) => [k, parts[i] ?? '']));
  return html`<${Page} key=${location.hash} ...${props} />`;
}

function App() {
  const [, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return html`<header>
      <a href="#/">aira</a> <span class="muted">studies, workers, live output and the search tree</span>
    </header>
    <main>${route()}</main>`;
}

render(html`<${App} />`, document.getElementById('app'));
