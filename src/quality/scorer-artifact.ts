/**
 * The versioned file `tandem train-router` writes and the gateway loads: `{format: 'tandem-scorer',
 * version: 1, kind, ...}`. A prompt router (`kind: 'prompt-router'`) and a cascade verifier
 * (`kind: 'cascade-verifier'`) share the envelope. Loading validates everything and names the problem, so
 * a foreign or damaged file fails with a sentence, never with NaN scores at request time.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { hashString } from './features/feature-hasher.js';

export const SCORER_FORMAT = 'tandem-scorer';
export const SCORER_VERSION = 1;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

const linearModelSchema = z.strictObject({
  type: z.literal('logistic'),
  intercept: finite,
  /** Parallel arrays: feature index -> weight. */
  indices: z.array(z.number().int().nonnegative()),
  weights: z.array(finite),
});

const promptFeaturesSchema = z.strictObject({
  bits: z.number().int().min(8).max(24),
  wordNgrams: z.number().int().min(1).max(3),
  charNgrams: z.tuple([z.number().int().min(0).max(8), z.number().int().min(0).max(8)]),
  wordWeight: finite,
  charWeight: finite,
  statsWeight: finite,
  /** Cut from prompts that start with it (the route's shared system prompt or few-shot prefix); see prompt-view.ts. */
  commonPrefix: z.string().max(200_000).optional(),
  /** Head and tail windows (characters) of a long prompt; absent in artifacts older than the windows: no limit. */
  window: z.strictObject({ head: z.number().int().min(16).max(1_000_000), tail: z.number().int().min(0).max(1_000_000) }).optional(),
});

const calibrationSchema = z.strictObject({
  /** Reference-score quantiles at 0, 0.001, ..., 1 (non-decreasing). */
  quantiles: z.array(finite).min(2),
  /** The share the default threshold was calibrated to. */
  llmShare: z.number().min(0).max(1),
  /** Score >= threshold goes to the large model (router) / is accepted (verifier). */
  threshold: z.number().min(0).max(1),
  /** How many reference prompts the quantiles came from, and which. */
  referenceSize: z.number().int().nonnegative(),
  reference: z.string(),
});

const trainingSchema = z.strictObject({
  dataset: z.string(),
  examples: z.number().int().nonnegative(),
  weakModel: z.string(),
  strongModel: z.string(),
  l2: finite,
  target: z.enum(['quality-gap', 'weak-fails', 'weak-acceptable']),
  trainMs: finite,
  /** Inner cross-validation APGR per l2 tried (model selection on training data only). */
  innerValidation: z.array(z.strictObject({ l2: finite, apgr: finite })),
  /**
   * 32-bit FNV-1a hashes of every prompt the artifact learned from (fitted, calibrated or prefix-learned),
   * sorted: `tandem eval --artifact` warns by content when it scores any of them. Absent in older artifacts.
   */
  promptHashes: z.array(z.number().int().nonnegative()).optional(),
});

const blendSignalSchema = z.strictObject({
  /** Mean and sd of the signal over the calibration prompts (it enters standardised), and its weight. */
  mean: finite,
  sd: finite.refine((x) => x > 0, 'must be positive'),
  weight: finite,
});

/**
 * A blend of the learned score with prompt length, the signal that transfers best between tasks (the
 * shipped zero-shot default, src/quality/default-router.ts): score = sigmoid(w1 (logit(p) - m1) / s1 +
 * w2 (ln(1 + characters) - m2) / s2). Absent in trained-on-your-traffic artifacts, whose score is p.
 */
const blendSchema = z.strictObject({ learned: blendSignalSchema, logLength: blendSignalSchema });

export const promptRouterArtifactSchema = z.strictObject({
  format: z.literal(SCORER_FORMAT),
  version: z.literal(SCORER_VERSION),
  kind: z.literal('prompt-router'),
  name: z.string().min(1),
  createdAt: z.string(),
  features: promptFeaturesSchema,
  model: linearModelSchema,
  blend: blendSchema.optional(),
  calibration: calibrationSchema,
  training: trainingSchema,
});

export const verifierArtifactSchema = z.strictObject({
  format: z.literal(SCORER_FORMAT),
  version: z.literal(SCORER_VERSION),
  kind: z.literal('cascade-verifier'),
  name: z.string().min(1),
  createdAt: z.string(),
  /** Whether prompt features are added to the response features. */
  usePromptFeatures: z.boolean(),
  features: promptFeaturesSchema,
  model: linearModelSchema,
  calibration: calibrationSchema,
  training: trainingSchema,
});

export type PromptRouterArtifact = z.infer<typeof promptRouterArtifactSchema>;
export type ScoreBlend = z.infer<typeof blendSchema>;
export type VerifierArtifact = z.infer<typeof verifierArtifactSchema>;
export type ScorerArtifact = PromptRouterArtifact | VerifierArtifact;
export type ArtifactKind = ScorerArtifact['kind'];

export class ScorerArtifactError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScorerArtifactError';
  }
}

/** The content fingerprint of one prompt stored in `training.promptHashes`. */
export function promptHash(prompt: string): number {
  return hashString(prompt);
}

/** Validates parsed JSON as an artifact of `kind`; throws ScorerArtifactError naming the problem. */
export function parseScorerArtifact(value: unknown, kind: 'prompt-router', source?: string): PromptRouterArtifact;
export function parseScorerArtifact(value: unknown, kind: 'cascade-verifier', source?: string): VerifierArtifact;
export function parseScorerArtifact(value: unknown, kind: ArtifactKind, source = 'artifact'): ScorerArtifact {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ScorerArtifactError(`${source} is not a Tandem scorer artifact: expected a JSON object`);
  }
  const envelope = value as Record<string, unknown>;
  if (envelope.format !== SCORER_FORMAT) {
    throw new ScorerArtifactError(
      `${source} is not a Tandem scorer artifact: "format" is ${JSON.stringify(envelope.format)}, expected "${SCORER_FORMAT}" (write one with \`tandem train-router\`)`,
    );
  }
  if (envelope.version !== SCORER_VERSION) {
    throw new ScorerArtifactError(`${source} has scorer format version ${JSON.stringify(envelope.version)}; this Tandem reads version ${SCORER_VERSION}`);
  }
  if (envelope.kind !== kind) {
    throw new ScorerArtifactError(`${source} is a ${JSON.stringify(envelope.kind)} artifact, but a "${kind}" is needed here`);
  }
  const schema = kind === 'prompt-router' ? promptRouterArtifactSchema : verifierArtifactSchema;
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(root)';
    throw new ScorerArtifactError(`${source} is not a valid ${kind} artifact: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  const artifact = result.data;
  if (artifact.model.indices.length !== artifact.model.weights.length) {
    throw new ScorerArtifactError(`${source}: model.indices and model.weights differ in length`);
  }
  const limit = 2 ** artifact.features.bits + 1024;
  if (artifact.model.indices.some((i) => i >= limit)) {
    throw new ScorerArtifactError(`${source}: a model index lies outside the ${artifact.features.bits}-bit feature space`);
  }
  const q = artifact.calibration.quantiles;
  for (let i = 1; i < q.length; i++) {
    if ((q[i] as number) < (q[i - 1] as number)) {
      throw new ScorerArtifactError(`${source}: calibration.quantiles must be non-decreasing`);
    }
  }
  return artifact;
}

/** Reads and validates an artifact file. */
export async function readScorerArtifact(path: string, kind: 'prompt-router'): Promise<PromptRouterArtifact>;
export async function readScorerArtifact(path: string, kind: 'cascade-verifier'): Promise<VerifierArtifact>;
export async function readScorerArtifact(path: string, kind: ArtifactKind): Promise<ScorerArtifact> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ScorerArtifactError(`cannot read scorer artifact ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ScorerArtifactError(`${path} is not a Tandem scorer artifact: it is not valid JSON`);
  }
  return kind === 'prompt-router' ? parseScorerArtifact(json, kind, path) : parseScorerArtifact(json, kind, path);
}

/** Writes an artifact as JSON (weights rounded to 6 significant digits to keep the file small). */
export async function writeScorerArtifact(path: string, artifact: ScorerArtifact): Promise<void> {
  const text = JSON.stringify(artifact, (_key, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v));
  await writeFile(path, `${text}\n`, 'utf8');
}
