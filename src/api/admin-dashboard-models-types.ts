/**
 * The response of GET /admin/dashboard/models (the dashboard's "Models" panel): per route, its live and
 * canary registry versions, its experiments and student canaries with each arm's statistics and the
 * sequential test's bounds, its drift monitor, and its task students' live agreement. Plain types with no
 * runtime imports, shared by the server (admin-dashboard-models.ts) and the dashboard (dashboard/src).
 */

export type RegistryStatus = 'candidate' | 'canary' | 'live' | 'retired';

export interface RegistryVersionSummary {
  kind: string;
  name: string;
  version: number;
  status: RegistryStatus;
  /** The first 12 hex digits of the bytes' SHA-256. */
  sha256: string;
  createdAt: number;
  updatedAt: number;
  /** The evaluation metrics that are plain numbers, strings or booleans (nested ones are left out). */
  metrics: Record<string, number | string | boolean>;
}

export interface ArmSummary {
  model: string;
  /** Observations of the metric (n), their mean, and the requests the arm took. */
  n: number;
  mean: number | null;
  requests: number;
  errors: number;
}

export interface ExperimentSummary {
  name: string;
  /** `model` (a route's experiment) or `student` (a task student canary). */
  kind: 'model' | 'student';
  metric: string;
  status: 'running' | 'promoted' | 'rolled_back' | 'max_samples' | 'stopped';
  reason: string | null;
  /** Share of traffic on the candidate, when this process runs it. */
  share: number | null;
  startedAt: number;
  decidedAt: number | null;
  control: ArmSummary;
  candidate: ArmSummary;
  /** The candidate's advantage (positive: better) and its always-valid confidence bounds; null when not known here. */
  estimate: number | null;
  lower: number | null;
  upper: number | null;
}

export interface DriftSummary {
  measure: 'psi' | 'js';
  psi: number | null;
  js: number | null;
  threshold: number;
  window: number;
  requests: number;
  inputAlert: boolean;
  qualityAlert: boolean;
  /** Alerts raised since start, by kind. */
  alerts: { input: number; quality: number };
  /** Live agreement now and at promotion (task routes). */
  quality: { current: number; reference: number } | null;
  retrain: 'off' | 'suggest' | 'automatic';
}

export interface StudentSummary {
  version: number;
  /** Agreement with the teacher over the latest checks (shadow checks and feedback `correct`); null before any. */
  agreement: number | null;
  checks: number;
  /** Its agreement on held-out examples when it was trained. */
  trainedAgreement: number | null;
}

export interface RouteModels {
  route: string;
  registry: RegistryVersionSummary[];
  /** Versions of this route's artifacts that are neither live nor canary (candidates and retired ones). */
  otherVersions: number;
  experiments: ExperimentSummary[];
  drift: DriftSummary | null;
  /** Task routes only. */
  students: { live: StudentSummary | null; canary: (StudentSummary & { share: number; running: boolean }) | null } | null;
}

export interface DashboardModels {
  routes: RouteModels[];
  /** Versioned `model` entries (not tied to one route): live and canary versions. */
  models: RegistryVersionSummary[];
}
