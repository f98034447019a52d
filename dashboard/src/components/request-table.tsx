/** The live table of recent requests with their route explanation; a click opens the full record. */
import type { RequestSummary } from '../api.js';
import { formatClock, formatCost, formatCount, formatMs } from '../format.js';

export interface RequestTableProps {
  requests: readonly RequestSummary[];
  selected: string | null;
  onSelect: (id: string) => void;
}

export function RequestTable(props: RequestTableProps) {
  if (props.requests.length === 0) {
    return (
      <p class="empty" data-testid="requests-empty">
        No requests in this range yet. Send one through the gateway and it appears here.
      </p>
    );
  }
  return (
    <div class="table-scroll">
      <table class="requests" data-testid="requests-table">
        <thead>
          <tr>
            <th>Time</th>
            <th>Route</th>
            <th>Model</th>
            <th>Why</th>
            <th class="num">Score / threshold</th>
            <th class="num">Status</th>
            <th class="num">Tokens in/out</th>
            <th class="num">Cost</th>
            <th class="num">Saved</th>
            <th class="num">Latency</th>
          </tr>
        </thead>
        <tbody>
          {props.requests.map((r) => (
            <tr
              key={r.id}
              class={`${r.id === props.selected ? 'selected' : ''} ${r.status >= 400 ? 'failed' : ''}`}
              data-id={r.id}
              data-model={r.model ?? ''}
              data-locality={r.locality}
              tabIndex={0}
              onClick={() => props.onSelect(r.id)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  props.onSelect(r.id);
                }
              }}
            >
              <td title={new Date(r.time).toISOString()}>{formatClock(r.time, true)}</td>
              <td>{r.route ?? <span class="muted">{r.requestedModel === '' ? '(none)' : r.requestedModel}</span>}</td>
              <td>
                {r.model ?? '–'} <span class={`badge ${r.locality}`}>{r.locality}</span>
                {r.fellBack ? (
                  <span class="badge warn" data-testid="badge-fallback" title={`${r.failedAttempts} failed attempt(s) first`}>
                    fallback
                  </span>
                ) : r.failedAttempts > 0 ? (
                  <span class="badge warn" title={`${r.failedAttempts} failed attempt(s) first`}>
                    retried
                  </span>
                ) : null}
                {r.privacyAction !== null && r.privacyAction !== 'none' ? <span class="badge privacy">{r.privacyAction}</span> : null}
              </td>
              <td class="reason" title={r.why} data-testid="why">
                {r.why}
              </td>
              <td class="num">{r.score === null ? '–' : `${r.score.toFixed(2)} / ${r.threshold?.toFixed(2) ?? '–'}`}</td>
              <td class={`num ${r.status >= 400 ? 'bad' : ''}`}>{r.status}</td>
              <td class="num">{`${formatCount(r.inputTokens)} / ${formatCount(r.outputTokens)}`}</td>
              <td class="num">{formatCost(r.cost)}</td>
              <td class="num">{formatCost(r.baselineCost - r.cost)}</td>
              <td class="num">{formatMs(r.totalMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
