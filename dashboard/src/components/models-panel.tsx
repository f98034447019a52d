/**
 * The "Models" panel: per route, the live and canary registry versions, the running and recent
 * experiments and student canaries (each arm's n and mean, the confidence bounds on the difference, the
 * decision), drift against its threshold, and task students' live agreement. Polls
 * GET /admin/dashboard/models on its own, at the page's interval.
 */
import { useEffect, useState } from 'preact/hooks';
import type { DashboardModels, ExperimentSummary, RegistryVersionSummary, RouteModels, StudentSummary } from '../api.js';
import { fetchModels } from '../api.js';
import { formatDateTime, formatPercent } from '../format.js';

const STATUS_BADGE: Record<string, string> = {
  live: 'local',
  canary: 'cloud',
  running: 'cloud',
  promoted: 'local',
  rolled_back: 'privacy',
  max_samples: 'warn',
  stopped: 'warn',
};

export function ModelsPanel({ pollMs, live, keyVersion, onError }: { pollMs: number; live: boolean; keyVersion: number; onError: (e: unknown) => void }) {
  const [data, setData] = useState<DashboardModels | null>(null);
  useEffect(() => {
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async (): Promise<void> => {
      try {
        const d = await fetchModels();
        if (current) setData(d);
      } catch (e) {
        if (current) onError(e);
      }
      if (current && live) timer = setTimeout(() => void poll(), pollMs);
    };
    void poll();
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [pollMs, live, keyVersion, onError]);

  return (
    <section class="card" data-testid="models-panel">
      <h2>
        Models <span class="muted small">· registry versions, experiments and canaries, drift, task students</span>
      </h2>
      {data === null ? (
        <p class="muted">Loading…</p>
      ) : data.routes.length === 0 && data.models.length === 0 ? (
        <p class="empty muted">No versioned artifacts, experiments, drift monitors or task students yet.</p>
      ) : (
        <>
          {data.routes.map((r) => (
            <RoutePanel key={r.route} route={r} />
          ))}
          {data.models.length > 0 ? (
            <div data-testid="models-registry">
              <h3>Versioned models</h3>
              <Versions versions={data.models} />
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}

function RoutePanel({ route: r }: { route: RouteModels }) {
  return (
    <div class="models-route" data-route={r.route}>
      <h3>
        {r.route}
        {r.drift?.inputAlert || r.drift?.qualityAlert ? <span class="badge privacy">drift</span> : null}
      </h3>
      {r.registry.length > 0 ? <Versions versions={r.registry} others={r.otherVersions} /> : null}
      {r.students ? <Students students={r.students} /> : null}
      {r.experiments.length > 0 ? <Experiments experiments={r.experiments} /> : null}
      {r.drift ? (
        <p class="small" data-testid="drift" data-alert={String(r.drift.inputAlert || r.drift.qualityAlert)}>
          Drift ({r.drift.measure}, window {r.drift.window}): PSI {num(r.drift.psi)} · Jensen–Shannon {num(r.drift.js)} · threshold {r.drift.threshold} ·{' '}
          {r.drift.inputAlert ? <span class="bad">input drift</span> : <span class="good">input ok</span>}
          {r.drift.quality ? (
            <>
              {' '}
              · live agreement {formatPercent(r.drift.quality.current)} vs {formatPercent(r.drift.quality.reference)} at promotion{' '}
              {r.drift.qualityAlert ? <span class="bad">quality drift</span> : null}
            </>
          ) : null}{' '}
          · alerts {r.drift.alerts.input + r.drift.alerts.quality} · retrain {r.drift.retrain}
        </p>
      ) : null}
    </div>
  );
}

function Versions({ versions, others = 0 }: { versions: readonly RegistryVersionSummary[]; others?: number }) {
  return (
    <div class="table-x">
      <table class="compact" data-testid="registry-versions">
        <thead>
          <tr>
            <th>Kind</th>
            <th>Name</th>
            <th class="num">Version</th>
            <th>Status</th>
            <th>Metrics</th>
            <th>Since</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={`${v.kind}/${v.name}/${v.version}`} data-kind={v.kind} data-version={v.version} data-status={v.status}>
              <td style={{ whiteSpace: 'nowrap' }}>{v.kind}</td>
              <td>{v.name}</td>
              <td class="num" title={`sha256 ${v.sha256}…`}>
                v{v.version}
              </td>
              <td>
                <span class={`badge ${STATUS_BADGE[v.status] ?? ''}`}>{v.status}</span>
              </td>
              <td class="small">
                {Object.entries(v.metrics)
                  .map(([k, value]) => `${k} ${typeof value === 'number' ? num(value) : String(value)}`)
                  .join(' · ')}
              </td>
              <td class="small">{formatDateTime(v.updatedAt)}</td>
            </tr>
          ))}
          {others > 0 ? (
            <tr>
              <td colSpan={6} class="muted small">
                {others} more version{others === 1 ? '' : 's'} (candidates and retired): tandem registry show
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

function Students({ students }: { students: NonNullable<RouteModels['students']> }) {
  const line = (s: StudentSummary) =>
    `v${s.version}: live agreement ${s.agreement === null ? '–' : formatPercent(s.agreement)} over ${s.checks} checks (held-out ${s.trainedAgreement === null ? '–' : formatPercent(s.trainedAgreement)})`;
  return (
    <p class="small" data-testid="students">
      Task student {students.live ? line(students.live) : 'none (the teacher answers)'}
      {students.canary ? (
        <>
          {' '}
          · canary {line(students.canary)} on {formatPercent(students.canary.share)} of traffic{students.canary.running ? '' : ' (decided)'}
        </>
      ) : null}
    </p>
  );
}

function Experiments({ experiments }: { experiments: readonly ExperimentSummary[] }) {
  return (
    <div class="table-x">
      <table class="compact" data-testid="experiments">
        <thead>
          <tr>
            <th>Experiment</th>
            <th>Arm</th>
            <th class="num">n</th>
            <th class="num">Mean</th>
            <th class="num">Difference [bounds]</th>
            <th>Decision</th>
          </tr>
        </thead>
        <tbody>
          {experiments.flatMap((e) =>
            (['control', 'candidate'] as const).map((arm) => (
              <tr key={`${e.name}/${arm}`} data-experiment={e.name} data-arm={arm} data-n={e[arm].n} data-status={e.status}>
                {arm === 'control' ? (
                  <td rowSpan={2}>
                    {e.name}
                    <div class="muted small">
                      {e.kind === 'student' ? 'student canary' : 'model'} · {e.metric}
                      {e.share === null ? '' : ` · ${formatPercent(e.share)} to candidate`}
                    </div>
                  </td>
                ) : null}
                <td>
                  {arm} <span class="muted small">{e[arm].model}</span>
                </td>
                <td class="num">{e[arm].n}</td>
                <td class="num">{num(e[arm].mean)}</td>
                {arm === 'control' ? (
                  <>
                    <td class="num" rowSpan={2}>
                      {num(e.estimate)} [{num(e.lower)}, {num(e.upper)}]
                    </td>
                    <td rowSpan={2} title={e.reason ?? ''}>
                      <span class={`badge ${STATUS_BADGE[e.status] ?? ''}`}>{e.status.replace('_', ' ')}</span>
                      {e.reason ? <div class="muted small">{e.reason}</div> : null}
                    </td>
                  </>
                ) : null}
              </tr>
            )),
          )}
        </tbody>
      </table>
    </div>
  );
}

function num(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '–';
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(3);
}
