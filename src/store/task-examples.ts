/**
 * Task distillation in the store (docs/distillation.md): the labelled examples captured from a task
 * route's teacher, corrections of them, and the versioned students trained from them.
 */

export interface TaskExample {
  route: string;
  /** The input as the task reads it (pseudonymised when the route's privacy policy rewrote the request). */
  input: string;
  /** The label training uses: the correction when there is one, else the teacher's. */
  label: string;
  /** The teacher's label; null when the example came only from a correction. */
  teacherLabel: string | null;
  correctedLabel: string | null;
  /**
   * How many requests of the route's traffic this example stands for: 1 for a request the teacher answered
   * because the student did not, 1/shadow_fraction for a shadow check of a student answer (only that share of
   * student answers is labelled). Calibration and evaluation weigh by it, so they measure the whole traffic,
   * not only the part the current student escalated.
   */
  weight: number;
  /** Milliseconds since the epoch of the last capture or correction. */
  updatedAt: number;
}

export type StudentStatus = 'active' | 'candidate' | 'retired' | 'demoted';

export interface StudentRecord {
  route: string;
  version: number;
  createdAt: number;
  /** `active` serves; `candidate` lost to the student serving then; `retired` was replaced; `demoted` by its shadow checks. */
  status: StudentStatus;
  /** JSON-safe metrics (distill/student-artifact.ts StudentMetrics, plus what the registry adds). */
  metrics: Record<string, unknown>;
  /** The encoded artifact; kept for active and recently active students, dropped (null) for the rest. */
  artifact: Uint8Array | null;
}

export type StudentSummary = Omit<StudentRecord, 'artifact'> & { hasArtifact: boolean };

export interface TaskExampleStore {
  /**
   * Stores the teacher's label for an input (one example per route and input: a later answer replaces the
   * teacher label, a correction stays).
   */
  capture(example: { route: string; input: string; label: string; time: number; weight?: number }): Promise<void>;
  /** A person's label for an input; beats the teacher's. Creates the example when it was never captured. */
  correct(example: { route: string; input: string; label: string; time: number }): Promise<void>;
  /** The route's examples, oldest update first. */
  list(route: string): Promise<TaskExample[]>;
  count(route: string): Promise<number>;
  /** Adds a student version; rejects a duplicate (route, version). */
  saveStudent(student: StudentRecord): Promise<void>;
  setStudentStatus(route: string, version: number, status: StudentStatus): Promise<boolean>;
  /** Drops the stored artifact (metrics stay). */
  dropArtifact(route: string, version: number): Promise<void>;
  /** Every student of a route (or of all routes), newest version first, without artifacts. */
  students(route?: string): Promise<StudentSummary[]>;
  student(route: string, version: number): Promise<StudentRecord | undefined>;
}
