import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, dur, fmt, href, medal, pct } from './api.js';
import { usePoll } from './hooks.js';
import { LogView } from './log-view.js';
import { Chart, Code, Diff, Lineage } from './widgets.js';

const Err = ({ error }) => (error ? html`<div class="error" data-testid="error">${error}</div>` : null);
const Loading = ({ s }) =>
  html`<${Err} error=${s.error} />${!s.data && !s.error ? html`<p class="muted">loading…</p>` : null}`;

export function Studies() {
  const s = usePoll(() => api('studies'), []);
  const d = s.data;
  return html`<h1>Studies</h1>
    <${Loading} s=${s} />
    ${
      d &&
      html`<p class="muted">${d.root}</p>
        <table data-testid="studies">
          <tr>
            <th>study</th>
            <th>state</th>
            <th>suite</th>
            <th>agent</th>
            <th>budget used</th>
            <th>runs: best search / test of the pick</th>
            <th>medals</th>
          </tr>
          ${d.studies.map((st) =>
            st.error
              ? html`<tr>
                  <td>${st.id}</td>
                  <td colspan="6" class="error">${st.error}</td>
                </tr>`
              : st.kind === 'ablation'
                ? html`<tr>
                    <td><a href=${href('ablation', st.id)}>${st.id}</a></td>
                    <td>ablation</td>
                    <td colspan="5">${st.cells} cells; variants ${st.variants.join(', ')}</td>
                  </tr>`
                : html`<tr>
                    <td><a href=${href('study', st.id)}>${st.id}</a></td>
                    <td>
                      <span class=${`badge ${st.state}`}>${st.state}</span
                      >${st.errors ? html` <span class="error-text">${st.errors} journal error(s)</span>` : null}
                    </td>
                    <td>${st.suite ?? '—'}</td>
                    <td>${st.agent} / ${st.policy}</td>
                    <td>
                      ${dur(st.usedMs)} of ${dur(st.budgetMs * st.runs.length)}
                      (${st.budgetMs ? Math.round((100 * st.usedMs) / (st.budgetMs * st.runs.length)) : 0}%)
                    </td>
                    <td>
                      ${st.runs.map((r) => html`<div>${r.competition ?? r.runId}: ${fmt(r.bestSearch)} / ${fmt(r.test)} ${r.medal ? medal(r.medal) : ''} ${r.percentileRank !== null ? `PR ${pct(r.percentileRank)}` : ''}</div>`)}
                    </td>
                    <td>
                      ${st.medals.gold} ${medal('gold')} ${st.medals.silver} ${medal('silver')}
                      ${st.medals.bronze} ${medal('bronze')}
                    </td>
                  </tr>`,
          )}
        </table>`
    }`;
}

export function Study({ id }) {
  const s = usePoll(() => api('study', { id }), [id], 3000);
  const d = s.data;
  return html`<h1>Study ${id}</h1>
    <${Loading} s=${s} />
    ${
      d &&
      html`<p>
          <span class=${`badge ${d.state}`} data-testid="study-state">${d.state}</span> suite
          ${d.suite ?? '—'} · agent ${d.agent} · ${d.policy} · budget ${dur(d.budgetMs)} per run ·
          <a href=${href('workers', id)}>workers</a>
        </p>
        ${d.runs.map(
          (r) =>
            html`<section class="run" data-testid=${`run-${r.runId}`}>
              <h2>${r.competition ?? r.runId} <span class="muted">${r.runId}</span></h2>
              <${Err} error=${r.error} />
              <p>
                <span class=${`badge ${r.state}`}>${r.state}${r.endReason ? `: ${r.endReason}` : ''}</span>
                ${dur(r.activeMs)} of ${dur(r.budgetMs)} active · ${r.jobs} jobs (${r.running} running) ·
                ${r.candidates} candidates (${r.valid} valid)${r.costUsd ? ` · $${r.costUsd.toFixed(4)}` : ''}
                · <a href=${href('population', id, r.runId)}>population</a> ·
                <a href=${href('jobs', id, r.runId)}>jobs and live output</a>
              </p>
              ${
                r.pick
                  ? html`<table class="kv">
                      <tr>
                        <th>final pick</th>
                        <td>
                          <a data-testid="pick" href=${href('candidate', id, r.runId, r.pick.candidateId)}
                            >${r.pick.candidateId}</a
                          >
                          (${r.pick.operator}, by ${r.pick.by})
                        </td>
                      </tr>
                      <tr>
                        <th>search / validation / test</th>
                        <td>${fmt(r.pick.search)} / ${fmt(r.pick.validation)} / ${fmt(r.pick.test)}</td>
                      </tr>
                      <tr>
                        <th>medal, percentile rank</th>
                        <td>
                          ${medal(r.pick.medal)},
                          ${pct(r.pick.percentileRank)}${r.pick.leaderboard ? ` (${r.pick.leaderboard.label})` : ''}
                        </td>
                      </tr>
                      <tr>
                        <th>best search score</th>
                        <td>
                          ${r.bestSearch ? html`<a href=${href('candidate', id, r.runId, r.bestSearch.candidateId)}>${r.bestSearch.candidateId}</a> ${fmt(r.bestSearch.score)}` : '—'}
                        </td>
                      </tr>
                    </table>`
                  : html`<p class="muted">no pick yet</p>`
              }
              ${
                r.checkpoints.length
                  ? html`<table>
                      <tr>
                        <th>checkpoint</th>
                        <th>pick</th>
                        <th>validation</th>
                        <th>test</th>
                        <th>medal</th>
                        <th>PR</th>
                      </tr>
                      ${r.checkpoints.map(
                        (c) =>
                          html`<tr>
                            <td>${dur(c.atMs)}</td>
                            <td>${c.candidateId ?? '—'}</td>
                            <td>${fmt(c.validation)}</td>
                            <td>${fmt(c.test)}</td>
                            <td>${medal(c.medal)}</td>
                            <td>${pct(c.percentileRank)}</td>
                          </tr>`,
                      )}
                    </table>`
                  : null
              }
              <${Chart} spec=${r.plot} testid=${`plot-${r.runId}`} />
            </section>`,
        )}`
    }`;
}

export function Workers({ id }) {
  const s = usePoll(() => api('workers', { id }), [id], 2000);
  const d = s.data;
  return html`<h1>Workers of <a href=${href('study', id)}>${id}</a></h1>
    <${Loading} s=${s} />
    ${
      d &&
      d.runs.map(
        (r) =>
          html`<h2>${r.competition ?? r.runId} <span class="muted">${r.phase}</span></h2>
            <table data-testid="workers">
              <tr>
                <th>worker</th>
                <th>state</th>
                <th>address / host</th>
                <th>CPUs / GPUs</th>
                <th>sandbox, python</th>
                <th>now running</th>
                <th>elapsed</th>
                <th>use now</th>
                <th>candidates</th>
              </tr>
              ${r.workers.map(
                (w) =>
                  html`<tr class=${w.status}>
                    <td>${w.id}</td>
                    <td>
                      <span class=${`badge ${w.status}`}>${w.status}</span
                      >${w.lost ? html`<div class="error-text">lost: ${w.lost.reason}</div>` : null}
                    </td>
                    <td>
                      ${w.address}
                      <div class="muted">${w.hostname ?? ''} (${w.source})</div>
                    </td>
                    <td>
                      ${w.cpus ?? '—'} /
                      ${w.gpus.length ? w.gpus.map((g) => `${g.index}: ${g.name}`).join(', ') : 'none'}
                    </td>
                    <td>
                      ${w.sandbox ?? '—'}
                      <div class="muted">${w.python ? `${w.python.version} ${w.python.runner}` : ''}</div>
                    </td>
                    <td>
                      ${w.current ? html`<a href=${href('job', id, r.runId, w.current.jobId)}>${w.current.jobId}</a> ${w.current.operator}${w.current.exec ? html`<div class="muted">${w.current.exec.label}</div>` : null}` : '—'}
                    </td>
                    <td>${w.current ? dur(w.current.elapsedMs) : '—'}</td>
                    <td data-testid="use">${use(w.telemetry)}</td>
                    <td>${w.candidates}</td>
                  </tr>`,
              )}
            </table>`,
      )
    }
    <p class="muted">Use now: each running worker's own report (WatchUtilization), refreshed every 2 s.</p>`;
}

const gb = (b) => `${(b / 2 ** 30).toFixed(1)} GB`;
function use(t) {
  if (!t) return '—';
  if (!t.sample) return html`<span class="error-text">${t.error ?? 'waiting'}</span>`;
  const s = t.sample;
  return html`CPU ${s.cpuPercent.toFixed(0)}% · mem ${gb(s.memoryUsedBytes)} / ${gb(s.memoryTotalBytes)}
  ${s.gpus.map((g) => html`<div>GPU ${g.index}: ${g.utilizationPercent.toFixed(0)}% · ${gb(g.memoryUsedBytes)} / ${gb(g.memoryTotalBytes)} · ${g.temperatureCelsius}°C</div>`)}`;
}

export function Jobs({ id, run }) {
  const s = usePoll(() => api('jobs', { id, run }), [id, run], 2000);
  return html`<h1>Jobs of <a href=${href('study', id)}>${id}</a> / ${run}</h1>
    <${Loading} s=${s} />
    ${
      s.data &&
      html`<table data-testid="jobs">
        <tr>
          <th>job</th>
          <th>operator</th>
          <th>parents</th>
          <th>state</th>
          <th>attempts</th>
          <th>candidate</th>
        </tr>
        ${s.data.jobs.map(
          (j) =>
            html`<tr>
              <td><a href=${href('job', id, run, j.jobId)}>${j.jobId}</a></td>
              <td>${j.operator}</td>
              <td>${j.parents.join(', ')}</td>
              <td><span class=${`badge ${j.status}`}>${j.status}</span></td>
              <td>${j.attempts.map((a) => `#${a.n} on ${a.workerId} (${a.status})`).join('; ')}</td>
              <td>
                ${j.candidateId ? html`<a href=${href('candidate', id, run, j.candidateId)}>${j.candidateId}</a>` : '—'}
              </td>
            </tr>`,
        )}
      </table>`
    }`;
}

const tokensOf = (u) => (u ? (u.promptTokens ?? 0) + (u.completionTokens ?? 0) : 0);
const clipText = (t, n) => (t && t.length > n ? `${t.slice(0, n)}…` : (t ?? ''));

/** One trajectory step as a row: what was called, what came back, how long, tokens and cost. */
function StepRow({ t0, t, attempt, step }) {
  let what = step.kind ?? 'step';
  let detail = summary(step);
  let took = step.durationMs;
  let tokens = null;
  let usd = null;
  if (step.kind === 'react.llm') {
    what = html`LLM turn
    ${step.step}${step.toolCalls?.length ? html`<div class="muted">→ ${step.toolCalls.map((c) => c.name).join(', ')}</div>` : null}`;
    detail = html`<div>${clipText(step.content, 300)}</div>
      ${(step.toolCalls ?? []).map((c) => html`<code class="call">${c.name}(${clipText(c.arguments, 300)})</code>`)}`;
    tokens = tokensOf(step.usage);
    usd = step.costUsd;
  } else if (step.kind === 'react.tool') {
    what = html`${step.tool ?? 'no tool call'}${step.exitCode !== undefined ? html`<div class="muted">exit ${step.exitCode}</div>` : null}`;
    detail = html`${step.args ? html`<code class="call">${clipText(step.args, 300)}</code>` : null}
      <pre class="obs">${clipText(step.observation, 1200)}</pre>`;
  }
  return html`<tr class=${step.error ? 'lost' : ''}>
    <td>+${dur(t - t0)}</td>
    <td>${attempt}</td>
    <td>${what}</td>
    <td>
      ${detail}
      <details>
        <summary class="muted">record</summary>
        <pre class="json">${JSON.stringify(step, null, 2)}</pre>
      </details>
    </td>
    <td>${took !== undefined ? dur(took) : '—'}</td>
    <td>${tokens ?? '—'}</td>
    <td>${usd !== null && usd !== undefined ? `$${usd.toFixed(4)}` : '—'}</td>
  </tr>`;
}

function Steps({ job, onExec }) {
  const t0 = job.attempts[0]?.startedAt ?? 0;
  const tokens = job.steps.reduce(
    (t, s) => t + (s.step.kind === 'react.llm' ? tokensOf(s.step.usage) : 0),
    0,
  );
  const usd = job.costs.reduce((t, c) => t + c.usd, 0);
  return html`<h3>
      Agent steps <span class="muted">${job.steps.length} steps · ${tokens} tokens · $${usd.toFixed(4)}</span>
    </h3>
    <table data-testid="steps">
      <tr>
        <th>at</th>
        <th>attempt</th>
        <th>step</th>
        <th>call and observation</th>
        <th>took</th>
        <th>tokens</th>
        <th>cost</th>
      </tr>
      ${job.steps.map((s) => html`<${StepRow} t0=${t0} ...${s} />`)}
    </table>
    <h3>Executions</h3>
    <table data-testid="execs">
      <tr>
        <th>exec</th>
        <th>attempt</th>
        <th>label</th>
        <th>exit</th>
        <th>took</th>
      </tr>
      ${job.execs.map(
        (x) =>
          html`<tr>
            <td>
              ${onExec ? html`<button class="link" onClick=${() => onExec(x.execId)}>${x.execId}</button>` : x.execId}
            </td>
            <td>${x.attempt}</td>
            <td>${x.label}</td>
            <td>${x.finished ? `${x.exitCode}${x.reason ? ` (${x.reason})` : ''}` : 'running'}</td>
            <td>${dur(x.durationMs)}</td>
          </tr>`,
      )}
    </table>`;
}

function summary(step) {
  const keys = ['durationMs', 'exitCode', 'operator', 'template', 'tokens', 'command'];
  return (
    keys
      .filter((k) => step[k] !== undefined)
      .map(
        (k) =>
          `${k}: ${typeof step[k] === 'object' ? JSON.stringify(step[k]) : String(step[k]).slice(0, 80)}`,
      )
      .join(' · ') || 'details'
  );
}

export function Job({ id, run, job }) {
  const s = usePoll(() => api('job', { id, run, job }), [id, run, job], 2000);
  const d = s.data;
  // The newest exec is followed unless one is chosen from the table below.
  const [chosen, setChosen] = useState(null);
  const exec = chosen ?? d?.execs[d.execs.length - 1]?.execId;
  return html`<h1>
      Job ${job} <span class="muted"><a href=${href('study', id)}>${id}</a> / ${run}</span>
    </h1>
    <${Loading} s=${s} />
    ${
      d &&
      html`<p>
          ${d.job.operator} of ${d.job.parents.join(', ') || 'nothing'} ·
          <span class=${`badge ${d.status}`}>${d.status}</span>
          ${d.candidateId ? html` · made <a href=${href('candidate', id, run, d.candidateId)}>${d.candidateId}</a>` : null}
        </p>
        ${exec ? html`<${LogView} study=${id} run=${run} exec=${exec} />` : html`<p class="muted">no execution yet</p>`}
        <${Steps} job=${d} onExec=${setChosen} />`
    }`;
}

export function Population({ id, run }) {
  const s = usePoll(() => api('population', { id, run }), [id, run], 5000);
  const d = s.data;
  const LIMIT = 400;
  let nodes = d?.nodes ?? [];
  let note = '';
  if (nodes.length > LIMIT) {
    // Big populations: the best by search score and the pick's ancestry, so the graph stays readable.
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const keep = new Set(
      nodes
        .filter((n) => n.valid && n.search !== null)
        .sort((a, b) => (d.direction === 'minimize' ? a.search - b.search : b.search - a.search))
        .slice(0, LIMIT)
        .map((n) => n.id),
    );
    const up = (cid) => {
      const n = byId.get(cid);
      if (!n) return;
      keep.add(cid);
      n.parents.forEach((p) => !keep.has(p) && up(p));
    };
    if (d.pick) up(d.pick);
    note = `showing ${keep.size} of ${nodes.length} candidates: the ${LIMIT} best and the pick's ancestors`;
    nodes = nodes.filter((n) => keep.has(n.id));
  }
  return html`<h1>Population of <a href=${href('study', id)}>${id}</a> / ${run}</h1>
    <${Loading} s=${s} />
    ${
      d &&
      html`<p class="muted">
          ${d.nodes.length} candidates · coloured by search score
          (${d.direction === 'minimize' ? 'lower' : 'higher'} is better, green best; grey invalid) · the final
          pick outlined · edges carry the operator · click a candidate ${note ? html`<br />${note}` : null}
        </p>
        <${Lineage}
          nodes=${nodes}
          pick=${d.pick}
          direction=${d.direction}
          onPick=${(cid) => (location.hash = href('candidate', id, run, cid))}
          height=${640}
          testid="population"
        />`
    }`;
}

export function Candidate({ id, run, candidate }) {
  const s = usePoll(() => api('candidate', { id, run, candidate }), [id, run, candidate], 0);
  const d = s.data;
  const c = d?.candidate;
  const test = c?.scores.details?.test;
  return html`<h1>
      Candidate ${candidate}
      <span class="muted"
        ><a href=${href('study', id)}>${id}</a> / <a href=${href('population', id, run)}>${run}</a></span
      >
    </h1>
    <${Loading} s=${s} />
    ${
      d &&
      html`<table class="kv" data-testid="scores">
          <tr>
            <th>operator</th>
            <td>
              ${c.operator} of
              ${c.parents.length ? c.parents.map((p) => html`<a href=${href('candidate', id, run, p)}>${p}</a> `) : 'nothing'}
              (job <a href=${href('job', id, run, c.jobId)}>${c.jobId}</a>, worker ${c.workerId})
            </td>
          </tr>
          <tr>
            <th>valid</th>
            <td>
              ${String(c.scores.valid)}${c.scores.reason ? html` <span class="error-text">${c.scores.reason}</span>` : null}
            </td>
          </tr>
          <tr>
            <th>search / validation / test</th>
            <td>${fmt(c.scores.search)} / ${fmt(c.scores.validation)} / ${fmt(c.scores.test)}</td>
          </tr>
          ${
            test
              ? html`<tr>
                  <th>medal, percentile rank</th>
                  <td>${medal(test.medal)}, ${pct(test.percentileRank)}</td>
                </tr>`
              : null
          }
          <tr>
            <th>timings</th>
            <td>
              started ${new Date(c.timings.startedAt).toISOString()} · took
              ${dur(c.timings.submittedAt - c.timings.startedAt)} · added at ${dur(c.timings.activeMs)} active
            </td>
          </tr>
          ${
            c.summary
              ? html`<tr>
                  <th>summary</th>
                  <td>${c.summary}</td>
                </tr>`
              : null
          }
        </table>
        <h2>Lineage</h2>
        <${Lineage}
          nodes=${d.lineage.map((n) => ({ ...n, valid: true }))}
          pick=${candidate}
          direction="maximize"
          onPick=${(cid) => (location.hash = href('candidate', id, run, cid))}
          height=${260}
          testid="candidate-lineage"
        />
        <h2>Code</h2>
        <${Code} text=${d.code} testid="code" />
        ${d.parents.map(
          (p) =>
            html`<h2>
                Diff to parent ${p.id} <span class="muted">(${p.operator}, search ${fmt(p.search)})</span>
              </h2>
              <${Diff}
                from=${p.code}
                to=${d.code}
                fromName=${p.id}
                toName=${candidate}
                testid=${`diff-${p.id}`}
              />`,
        )}
        <h2>Output of the final run</h2>
        <pre class="out">${d.output ?? '—'}</pre>
        ${d.job ? html`<${Steps} job=${d.job} />` : null}`
    }`;
}

export function Ablation({ id }) {
  const s = usePoll(() => api('ablation', { id }), [id], 10000);
  const d = s.data;
  const ms = (m) => (m.mean === null ? '—' : `${m.mean.toFixed(1)} ± ${(m.se ?? 0).toFixed(1)}`);
  const rate = (x) => (x === null ? '—' : `${x.toFixed(1)}%`);
  return html`<h1>Ablation ${id}</h1>
    <${Loading} s=${s} />
    ${
      d &&
      html`<h2>Table 1: mean Percentile Rank and medal rates</h2>
        <table data-testid="table1">
          <tr>
            <th>variant</th>
            <th>checkpoint</th>
            <th>n</th>
            <th>PR (mean ± SE)</th>
            <th>Bronze+</th>
            <th>Silver+</th>
            <th>Gold</th>
            <th>paper PR</th>
          </tr>
          ${d.report.table1.map(
            (r) =>
              html`<tr>
                <td>${r.variant}</td>
                <td>${r.checkpoint}</td>
                <td>${r.n}/${r.expected}</td>
                <td>${ms(r.pr)}</td>
                <td>${rate(r.medals.bronzePlus)}</td>
                <td>${rate(r.medals.silverPlus)}</td>
                <td>${rate(r.medals.gold)}</td>
                <td>${r.paper ? `${r.paper.pr.mean} ± ${r.paper.pr.se}` : '—'}</td>
              </tr>`,
          )}
        </table>
        <h2>Table 2: per competition</h2>
        <table data-testid="table2">
          <tr>
            <th>variant</th>
            <th>competition</th>
            <th>checkpoint</th>
            <th>PR</th>
            <th>test</th>
            <th>medals (g/s/b/none)</th>
            <th>paper</th>
          </tr>
          ${d.report.table2.map(
            (r) =>
              html`<tr>
                <td>${r.variant}</td>
                <td>${r.competition}</td>
                <td>${r.checkpoint}</td>
                <td>${ms(r.pr)}</td>
                <td>${ms(r.test)}</td>
                <td>${r.medals.gold}/${r.medals.silver}/${r.medals.bronze}/${r.medals.none}</td>
                <td>${r.paper ?? '—'}</td>
              </tr>`,
          )}
        </table>
        <${Chart} spec=${d.plots.prOverTime} testid="plot-pr" />
        <${Chart} spec=${d.plots.fig3} testid="plot-fig3" />
        <${Chart} spec=${d.plots.testOverTime} testid="plot-test" />
        <h2>Cells</h2>
        <ul>
          ${d.cells.map((c) => html`<li><a href=${href('study', c.study)}>${c.cellId}</a> ${c.variant} · ${c.competition} · seed ${c.seed}</li>`)}
        </ul>`
    }`;
}
