/** One request in full: why it went where it did, what it cost, how long it took, and the bodies if logged. */
import { useEffect } from 'preact/hooks';
import type { RequestDetail as Detail } from '../api.js';
import { formatCost, formatCount, formatDateTime, formatMs } from '../format.js';
import { FlowTimeline } from './flow-timeline.js';

export interface RequestDetailProps {
  detail: Detail | null;
  error: string | null;
  onClose: () => void;
}

export function RequestDetail(props: RequestDetailProps) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') props.onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [props.onClose]);
  const d = props.detail;
  return (
    <aside class="drawer" data-testid="request-detail" aria-label="Request details">
      <div class="drawer-head">
        <h2>Request</h2>
        <button type="button" onClick={props.onClose} aria-label="Close" data-testid="detail-close">
          ✕
        </button>
      </div>
      {props.error !== null ? <p class="bad">{props.error}</p> : null}
      {d === null ? (
        props.error === null ? (
          <p class="muted">Loading…</p>
        ) : null
      ) : (
        <div class="drawer-body" data-id={d.id}>
          <p class="mono small">{d.id}</p>
          <dl class="facts">
            <dt>Time</dt>
            <dd>{formatDateTime(d.time)}</dd>
            <dt>Route</dt>
            <dd data-testid="detail-route">{routeText(d.route, d.requestedModel)}</dd>
            <dt>Answered by</dt>
            <dd data-testid="detail-model">
              {d.model ?? '–'} <span class={`badge ${d.locality}`}>{d.locality}</span>
            </dd>
            <dt>Why</dt>
            <dd data-testid="detail-reason">
              {d.why}
              {d.fellBack ? <span class="badge warn">fallback</span> : null}
            </dd>
            <dt>Score</dt>
            <dd data-testid="detail-score">{d.score === null ? '–' : d.score.toFixed(3)}</dd>
            <dt>Threshold</dt>
            <dd data-testid="detail-threshold">{d.threshold === null ? '–' : d.threshold.toFixed(3)}</dd>
            <dt>Status</dt>
            <dd class={d.status >= 400 ? 'bad' : ''}>
              {d.status}
              {d.error !== null ? ` · ${d.error}` : ''}
            </dd>
            <dt>Tokens</dt>
            <dd>{`${formatCount(d.inputTokens)} in / ${formatCount(d.outputTokens)} out${d.tokensEstimated ? ' (estimated)' : ''}`}</dd>
            <dt>Cost</dt>
            <dd>{`${formatCost(d.cost)} · baseline ${formatCost(d.baselineCost)} · saved ${formatCost(d.baselineCost - d.cost)}`}</dd>
            <dt>Timings</dt>
            <dd>{`first token ${formatMs(d.ttftMs)} · total ${formatMs(d.totalMs)} · Tandem overhead ${formatMs(d.overheadMs)}`}</dd>
            <dt>Stream</dt>
            <dd>{d.stream ? 'yes' : 'no'}</dd>
            {d.privacy !== undefined ? (
              <>
                <dt>Privacy</dt>
                <dd data-testid="detail-privacy">
                  {d.privacy.action}
                  {Object.keys(d.privacy.findings).length > 0
                    ? ` · ${Object.entries(d.privacy.findings)
                        .map(([t, n]) => `${t} ×${n}`)
                        .join(', ')}`
                    : ''}
                </dd>
              </>
            ) : null}
          </dl>
          <h3>Candidates and policy verdicts</h3>
          <table class="compact" data-testid="detail-candidates">
            <thead>
              <tr>
                <th>Model</th>
                <th>Allowed</th>
                <th>Verdicts</th>
              </tr>
            </thead>
            <tbody>
              {d.candidates.map((c) => (
                <tr key={c.model} data-model={c.model} data-allowed={String(c.allowed)}>
                  <td>
                    {c.model} <span class={`badge ${d.candidateLocality[c.model] ?? 'unknown'}`}>{d.candidateLocality[c.model] ?? 'unknown'}</span>
                  </td>
                  <td class={c.allowed ? 'good' : 'bad'}>{c.allowed ? 'yes' : 'no'}</td>
                  <td>
                    <ul class="verdicts">
                      {c.reasons.map((reason) => (
                        <li key={reason} class={c.refusals.includes(reason) ? 'bad' : ''}>
                          {reason}
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {d.attempts.length > 0 ? (
            <>
              <h3>Attempts</h3>
              <ol class="attempts" data-testid="detail-attempts">
                {d.attempts.map((a, i) => (
                  <li key={i} class={a.error === null ? '' : 'bad'}>{`${a.model}: ${a.error ?? 'answered'} (${formatMs(a.durationMs)})`}</li>
                ))}
              </ol>
            </>
          ) : null}
          {d.steps !== undefined && d.steps.length > 0 ? (
            <>
              <h3>Flow steps</h3>
              <FlowTimeline steps={d.steps} totalMs={d.totalMs} />
            </>
          ) : null}
          {d.feedback.length > 0 ? (
            <>
              <h3>Feedback</h3>
              <table class="compact" data-testid="detail-feedback">
                <thead>
                  <tr>
                    <th>Time</th>
                    <th>From</th>
                    <th>Score</th>
                    <th>Correct</th>
                    <th>Label</th>
                    <th>Comment</th>
                  </tr>
                </thead>
                <tbody>
                  {d.feedback.map((f) => (
                    <tr key={f.seq} data-source={f.source}>
                      <td>{formatDateTime(f.time)}</td>
                      <td>{f.source === 'shadow' ? `shadow pair (${f.model ?? '–'})` : (f.keyId ?? 'no key')}</td>
                      <td>{f.score === null ? '–' : f.score.toFixed(2)}</td>
                      <td class={f.correct === false ? 'bad' : f.correct ? 'good' : ''}>{f.correct === null ? '–' : f.correct ? 'yes' : 'no'}</td>
                      <td>{f.label ?? '–'}</td>
                      <td>{f.comment ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : null}
          <h3>Bodies</h3>
          {d.requestBody === null && d.responseBody === null ? (
            <p class="muted small">Not kept (store.log_bodies is off).</p>
          ) : (
            <>
              <h4>Request</h4>
              <pre data-testid="detail-request-body">{pretty(d.requestBody)}</pre>
              <h4>Response</h4>
              <pre data-testid="detail-response-body">{pretty(d.responseBody)}</pre>
            </>
          )}
        </div>
      )}
    </aside>
  );
}

function routeText(route: string | null, requestedModel: string): string {
  if (route !== null) return route;
  // A request refused before it named anything usable (no body, a bad key) has no model to show.
  return requestedModel === '' ? '(none: refused before routing)' : `(model named directly: ${requestedModel})`;
}

function pretty(body: string | null): string {
  if (body === null) return '(none)';
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    // Streamed responses are kept as the SSE text, which is not one JSON document.
    return body;
  }
}
