/**
 * The dashboard page: polls the admin API every few seconds (live) for the selected range and renders
 * the charts and the recent-requests table. Polling rather than server-sent events: two small GETs every
 * 5 s cost the gateway nothing measurable, survive proxies and reconnects without code, and need no
 * server-side fan-out (docs/decisions/dashboard-build.md).
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import {
  ApiError,
  fetchRequest,
  fetchRequests,
  fetchSeries,
  hasAdminKey,
  saveAdminKey,
  type DashboardSeries,
  type RequestDetail as Detail,
  type RequestSummary,
} from './api.js';
import { Header } from './components/header.js';
import { KeyPrompt } from './components/key-prompt.js';
import { KpiCards } from './components/kpi-cards.js';
import { ModelsPanel } from './components/models-panel.js';
import { OverviewCharts } from './components/overview-charts.js';
import { RequestDetail } from './components/request-detail.js';
import { RequestTable } from './components/request-table.js';
import { useTheme } from './theme.js';
import { TIME_RANGES, windowFor } from './time-range.js';

/** `?poll=<ms>` (at least 500) overrides it, e.g. for a wall screen or a test. */
const POLL_MS = Math.max(500, Number(new URLSearchParams(location.search).get('poll')) || 5_000);
const TABLE_ROWS = 50;

export function App() {
  const [theme, toggleTheme] = useTheme();
  // `?range=15m` opens on another range (links, wall screens); unknown values fall back to an hour.
  const [rangeKey, setRangeKey] = useState(() => {
    const asked = new URLSearchParams(location.search).get('range');
    return TIME_RANGES.some((r) => r.key === asked) ? (asked ?? '1h') : '1h';
  });
  const [live, setLive] = useState(true);
  const [series, setSeries] = useState<DashboardSeries | null>(null);
  const [requests, setRequests] = useState<RequestSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [auth, setAuth] = useState<{ message: string; canRetry: boolean } | null>(null);
  const [keyVersion, setKeyVersion] = useState(0);
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [detail, setDetail] = useState<Detail | null>(null);
  const [detailError, setDetailError] = useState<string | null>(null);
  const range = TIME_RANGES.find((r) => r.key === rangeKey) ?? TIME_RANGES[2];

  const onApiError = useCallback((e: unknown): void => {
    if (e instanceof ApiError && e.status === 401) {
      const hadKey = hasAdminKey();
      saveAdminKey(null);
      setAuth({ message: hadKey ? `The admin API refused that key: ${e.message}` : 'This Tandem needs its admin key to show the dashboard.', canRetry: true });
    } else if (e instanceof ApiError && e.status === 403) {
      setAuth({ message: e.message, canRetry: e.code !== 'admin_disabled' });
    } else {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, []);

  // Each poll starts after the previous one finished, so a slow server never gets overlapping requests.
  const generation = useRef(0);
  useEffect(() => {
    if (range === undefined) return;
    const mine = ++generation.current;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async (): Promise<void> => {
      setLoading(true);
      try {
        const window = windowFor(range, Date.now());
        const [s, page] = await Promise.all([fetchSeries(window), fetchRequests({ since: window.since, limit: TABLE_ROWS })]);
        if (mine !== generation.current) return;
        setSeries(s);
        setRequests(page.data);
        setError(null);
        setAuth(null);
        setUpdatedAt(Date.now());
      } catch (e) {
        if (mine === generation.current) onApiError(e);
        if (e instanceof ApiError && (e.status === 401 || e.status === 403)) return;
      } finally {
        if (mine === generation.current) setLoading(false);
      }
      if (live && mine === generation.current) timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      generation.current++;
      clearTimeout(timer);
    };
  }, [range, live, keyVersion, onApiError]);

  useEffect(() => {
    if (selected === null) return;
    let current = true;
    setDetail(null);
    setDetailError(null);
    fetchRequest(selected)
      .then((d) => current && setDetail(d))
      .catch((e: unknown) => current && setDetailError(e instanceof Error ? e.message : String(e)));
    return () => {
      current = false;
    };
  }, [selected]);

  const closeDetail = useCallback(() => setSelected(null), []);

  return (
    <div class="page" data-theme-current={theme}>
      <Header
        rangeKey={rangeKey}
        onRange={setRangeKey}
        live={live}
        onLive={setLive}
        theme={theme}
        onToggleTheme={toggleTheme}
        updatedAt={updatedAt}
        loading={loading}
      />
      {auth !== null ? (
        <KeyPrompt
          message={auth.message}
          canRetry={auth.canRetry}
          onKey={(key) => {
            saveAdminKey(key);
            setAuth(null);
            setKeyVersion((v) => v + 1);
          }}
        />
      ) : (
        <main>
          {error !== null ? (
            <p class="banner bad" data-testid="error">
              {error}
            </p>
          ) : null}
          {series === null ? (
            <p class="muted">Loading…</p>
          ) : (
            <>
              <KpiCards series={series} />
              <OverviewCharts series={series} />
              <section class="card">
                <h2>
                  Recent requests <span class="muted small">· newest first · click a row for the full explanation</span>
                </h2>
                <RequestTable requests={requests} selected={selected} onSelect={setSelected} />
              </section>
              <ModelsPanel pollMs={POLL_MS} live={live} keyVersion={keyVersion} onError={onApiError} />
            </>
          )}
        </main>
      )}
      {selected !== null ? <RequestDetail detail={detail} error={detailError} onClose={closeDetail} /> : null}
    </div>
  );
}
