/**
 * The dashboard's only way to the server: the admin API, with the admin key from sessionStorage (asked
 * for when the API answers 401). sessionStorage, not localStorage: the key goes when the tab closes.
 */
import type { DashboardModels } from '../../src/api/admin-dashboard-models-types.js';
import type { DashboardSeries, RequestDetail, RequestsPage } from '../../src/api/admin-dashboard-types.js';

export type { DashboardSeries, RequestDetail, RequestsPage };
export type { Locality, RequestSummary, ModelSummary } from '../../src/api/admin-dashboard-types.js';
export type {
  DashboardModels,
  ExperimentSummary,
  RegistryVersionSummary,
  RouteModels,
  StudentSummary,
} from '../../src/api/admin-dashboard-models-types.js';

const KEY_STORAGE = 'tandem.adminKey';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

export function saveAdminKey(key: string | null): void {
  if (key === null) sessionStorage.removeItem(KEY_STORAGE);
  else sessionStorage.setItem(KEY_STORAGE, key);
}

export function hasAdminKey(): boolean {
  return sessionStorage.getItem(KEY_STORAGE) !== null;
}

async function getJson<T>(path: string, params: Record<string, string | number | undefined>): Promise<T> {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, String(value));
  const key = sessionStorage.getItem(KEY_STORAGE);
  const response = await fetch(`/admin/dashboard/${path}?${query.toString()}`, {
    headers: key === null ? {} : { authorization: `Bearer ${key}` },
    cache: 'no-store',
  });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (body as { error?: { message?: string; code?: string | null } } | null)?.error;
    throw new ApiError(response.status, error?.message ?? `HTTP ${response.status}`, error?.code ?? null);
  }
  return body as T;
}

export function fetchSeries(range: { since: number; until: number; bucket: number }): Promise<DashboardSeries> {
  return getJson('series', range);
}

export function fetchRequests(options: { since: number; limit: number }): Promise<RequestsPage> {
  return getJson('requests', options);
}

export function fetchRequest(id: string): Promise<RequestDetail> {
  return getJson('request', { id });
}

/** Registry versions, experiments and canaries, drift and task students per route (the Models panel). */
export function fetchModels(): Promise<DashboardModels> {
  return getJson('models', {});
}
