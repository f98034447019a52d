/** p50/p95/p99 of total latency and time to first token, per model, over the range. */
import type { ModelSummary } from '../api.js';
import { formatCount, formatMs } from '../format.js';

export function LatencyTable({ models, colors }: { models: readonly ModelSummary[]; colors: ReadonlyMap<string, string> }) {
  return (
    <table class="compact" data-testid="latency-table">
      <thead>
        <tr>
          <th>Model</th>
          <th class="num">Requests</th>
          <th class="num">p50</th>
          <th class="num">p95</th>
          <th class="num">p99</th>
          <th class="num">TTFT p50</th>
          <th class="num">TTFT p95</th>
        </tr>
      </thead>
      <tbody>
        {models.map((m) => (
          <tr key={m.model} data-model={m.model} data-requests={m.requests}>
            <td>
              <span class="swatch" style={{ background: colors.get(m.model) ?? '#999' }} />
              {m.model} <span class={`badge ${m.locality}`}>{m.locality}</span>
            </td>
            <td class="num">{formatCount(m.requests)}</td>
            <td class="num">{formatMs(m.latency.total.p50)}</td>
            <td class="num">{formatMs(m.latency.total.p95)}</td>
            <td class="num">{formatMs(m.latency.total.p99)}</td>
            <td class="num">{formatMs(m.latency.ttft.p50)}</td>
            <td class="num">{formatMs(m.latency.ttft.p95)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
