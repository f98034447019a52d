/**
 * Shadow pairs on learned routes (docs/lifecycle.md#routers-learn-from-the-log): a sampled share
 * (`router.shadow.rate`) of answered requests is also sent to the route's other model, after the client
 * has its answer, and the two answers are compared: by a judge model (`router.shadow.judge`: is the small
 * model's answer as good as the large model's?) or else by the cascade verifier scoring the small model's
 * answer. The verdict, the small model's quality in [0,1], is stored as a `shadow` feedback entry on the
 * request; `tandem train-router --from-log` turns it into a training label.
 *
 * It listens to finished requests (a RequestObserver) and never delays or fails one. The other model sees
 * the request as the route's privacy policy allows (none at all when the request must stay local); a cloud
 * judge is skipped for requests with personal data, since it would read both answers in clear. Requests
 * with anything but text (tools, images) are skipped: the verdict would not be about the answer's text.
 */
import type { TandemConfig } from '../config/schema.js';
import type { Gateway } from '../gateway/gateway.js';
import type { TeacherView } from '../distill/shadow-check.js';
import type { RequestObserver } from '../gateway/request-observer.js';
import type { ProviderAdapter } from '../providers/provider-adapter.js';
import type { AnswerVerifier } from '../routing/answer-verifier.js';
import type { ChatRequest } from '../spec/chat-request.js';
import type { ModelInfo } from '../spec/model-info.js';
import type { RequestRecord } from '../spec/request-record.js';
import type { FeedbackStore } from '../store/feedback.js';
import { answerText, requestTurns } from './logged-conversation.js';

export interface ShadowRoute {
  rate: number;
  small: string;
  large: string;
  judge: string | undefined;
}

export interface ShadowPairOptions {
  routes: ReadonlyMap<string, ShadowRoute>;
  adapters: ReadonlyMap<string, ProviderAdapter>;
  feedback: FeedbackStore;
  /** What `model` may see of a request on `route` (the route's privacy policy); null: nothing. */
  privacy: (route: string, request: ChatRequest, model: ModelInfo) => Promise<TeacherView | null>;
  /** Scores the small model's answer when the route names no judge. */
  verifier: () => Promise<AnswerVerifier>;
  random?: () => number;
  log?: (message: string) => void;
  now?: () => number;
}

/** Shadow calls in flight at most (all routes); more are skipped rather than queued. */
const MAX_IN_FLIGHT = 4;

/** The learned routes with `router.shadow` set, or an empty map. Throws when a judge names no model. */
export function shadowRoutes(config: Pick<TandemConfig, 'routes' | 'models'>): Map<string, ShadowRoute> {
  const routes = new Map<string, ShadowRoute>();
  for (const [name, route] of Object.entries(config.routes)) {
    const router = route.router;
    if (router?.type !== 'learned' || !router.shadow || router.shadow.rate <= 0) continue;
    const judge = router.shadow.judge;
    if (judge !== undefined && !config.models[judge]) {
      throw new Error(`routes.${name}.router.shadow.judge: "${judge}" is not a model (models: ${Object.keys(config.models).join(', ')})`);
    }
    routes.set(name, { rate: router.shadow.rate, small: router.small, large: router.large, judge });
  }
  return routes;
}

export const JUDGE_PROMPT = [
  'You compare two answers to the same request. Answer A is the reference.',
  'Reply with exactly one word: YES if answer B is as good as answer A (as correct, as complete, as useful), NO otherwise.',
].join(' ');

/** The judge's verdict: 1 for YES, 0 for NO, null when it said neither. */
export function readVerdict(text: string): number | null {
  const word = /\b(yes|no)\b/i.exec(text)?.[1]?.toLowerCase();
  return word === undefined ? null : word === 'yes' ? 1 : 0;
}

export class ShadowPairObserver implements RequestObserver {
  readonly name = 'shadow-pairs';
  private inFlight = 0;
  private closed = false;
  private readonly pending = new Set<Promise<void>>();
  private readonly random: () => number;
  private readonly log: (message: string) => void;
  /** Pairs recorded and skipped, for tests and logs. */
  readonly counts = { recorded: 0, skipped: 0, failed: 0 };

  constructor(private readonly options: ShadowPairOptions) {
    this.random = options.random ?? Math.random;
    this.log = options.log ?? ((message) => console.error(message));
  }

  onRequestFinished(record: RequestRecord): void {
    if (this.closed || record.route === null || record.status >= 400 || record.requestBody === null) return;
    const route = this.options.routes.get(record.route);
    if (!route || (record.model !== route.small && record.model !== route.large)) return;
    if (this.inFlight >= MAX_IN_FLIGHT || this.random() >= route.rate) return;
    this.inFlight++;
    const work = this.pair(record, route)
      .then((recorded) => void (recorded ? this.counts.recorded++ : this.counts.skipped++))
      .catch((error: unknown) => {
        this.counts.failed++;
        if (!this.closed) this.log(`tandem: shadow pair on ${record.route} failed: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => {
        this.inFlight--;
        this.pending.delete(work);
      });
    this.pending.add(work);
  }

  /** Waits for the pairs in flight (tests; shutdown). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  close(): void {
    this.closed = true;
  }

  private async pair(record: RequestRecord, route: ShadowRoute & { judge: string | undefined }): Promise<boolean> {
    const turns = requestTurns(record.requestBody);
    const answered = answerText(record.responseBody);
    if (turns === null || answered === null || !turns.some((t) => t.role === 'user')) return false;
    const request: ChatRequest = {
      model: record.route as string,
      messages: turns.map((t) => ({ role: t.role, content: t.content })),
      stream: false,
      includeUsage: false,
      params: {},
      extra: {},
    };
    const otherName = record.model === route.small ? route.large : route.small;
    const other = this.options.adapters.get(otherName);
    if (!other) return false;
    const view = await this.options.privacy(record.route as string, request, other.info);
    if (view === null) return false;
    const otherAnswer = view.restore(await other.generate({ ...view.request, stream: false, includeUsage: false }, callContext(other))).text;
    const small = record.model === route.small ? answered : otherAnswer;
    const large = record.model === route.small ? otherAnswer : answered;
    let quality: number | null;
    let how: string;
    if (route.judge !== undefined) {
      const judge = this.options.adapters.get(route.judge);
      if (!judge) return false;
      const personal = record.privacy !== undefined && record.privacy.action !== 'none';
      if (personal && judge.info.locality === 'cloud') return false;
      const result = await judge.generate(judgeRequest(request, large, small, route.judge), callContext(judge));
      quality = readVerdict(result.text);
      how = `judge ${route.judge}`;
    } else {
      quality = (await this.options.verifier()).score({ request, answer: small });
      how = 'verifier';
    }
    if (quality === null) return false;
    await this.options.feedback.record({
      requestId: record.id,
      source: 'shadow',
      route: record.route,
      // The model judged: the small model, whichever answered the client.
      model: route.small,
      keyId: null,
      time: (this.options.now ?? Date.now)(),
      score: quality,
      label: null,
      correct: null,
      comment: how,
    });
    return true;
  }
}

function callContext(adapter: ProviderAdapter) {
  return { signal: AbortSignal.timeout(adapter.info.timeoutMs), requestId: 'shadow-pair', warn: () => undefined, requestStreamUsage: false };
}

function judgeRequest(request: ChatRequest, reference: string, candidate: string, model: string): ChatRequest {
  const asked = request.messages.map((m) => `${m.role}: ${typeof m.content === 'string' ? m.content : ''}`).join('\n');
  return {
    model,
    messages: [
      { role: 'system', content: JUDGE_PROMPT },
      { role: 'user', content: `Request:\n${asked}\n\nAnswer A:\n${reference}\n\nAnswer B:\n${candidate}\n\nIs answer B as good as answer A? YES or NO.` },
    ],
    stream: false,
    includeUsage: false,
    params: { max_tokens: 5, temperature: 0 },
    extra: {},
  };
}

/** Adds the shadow-pair observer to a gateway whose config has learned routes with `router.shadow`; returns it (null when none). */
export async function installShadowPairs(gateway: Gateway): Promise<ShadowPairObserver | null> {
  const routes = shadowRoutes(gateway.config);
  if (routes.size === 0) return null;
  const [{ routeShadowPrivacy }, { createCascadeVerifier }] = await Promise.all([
    import('../distill/shadow-privacy.js'),
    import('../quality/cascade-verifier.js'),
  ]);
  let verifier: Promise<AnswerVerifier> | undefined;
  const observer = new ShadowPairObserver({
    routes,
    adapters: gateway.adapters,
    feedback: gateway.store.feedback,
    privacy: routeShadowPrivacy(gateway.routes, gateway.latency),
    verifier: () => (verifier ??= gateway.verifier ? Promise.resolve(gateway.verifier) : createCascadeVerifier()),
  });
  gateway.observers.push(observer);
  return observer;
}
