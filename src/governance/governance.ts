/**
 * Keys, limits and the audit log, built once per gateway from its config and store. The request path
 * calls authorize() and admit(); everything after the answer (settling reservations, the audit record)
 * happens in `observer`, which the gateway awaits before the response's last byte.
 */
import { hostname } from 'node:os';
import type { TandemConfig } from '../config/schema.js';
import type { RequestObserver } from '../gateway/request-observer.js';
import type { RoutePlan } from '../routing/plan-route.js';
import type { ChatRequest } from '../spec/chat-request.js';
import { GatewayError } from '../spec/errors.js';
import type { ModelInfo } from '../spec/model-info.js';
import type { RequestRecord } from '../spec/request-record.js';
import type { Store } from '../store/request-log.js';
import { AuditChain } from './audit-chain.js';
import { processChainId } from './audit-chain-id.js';
import { auditEntryFor, auditUser } from './audit-entry.js';
import { AuditRetention } from './audit-retention.js';
import { KeyRing, type ApiKeyPrincipal, type KeyRingOptions } from './key-ring.js';
import type { LimitStore } from './limit-store.js';
import { createMemoryLimitStore } from './memory-limit-store.js';
import { redactBody } from './redact-body.js';
import { RequestLimiter } from './request-limiter.js';

export interface GovernanceOptions {
  config: TandemConfig;
  store: Store;
  /** Counters shared with other replicas (the cluster's Redis store); unset: in this process only. Not closed here. */
  limitStore?: LimitStore | undefined;
  /** How often the key ring polls the store for changes (default 2 s). */
  keyPollMs?: number;
  now?: () => number;
}

export class Governance {
  /** The request's `user` field between admit() and the finished record (the record does not carry it). */
  private readonly users = new Map<string, string>();
  readonly observer: RequestObserver;
  /** `audit.user_key`: the request's `user` is audited as a keyed hash under it, or not at all. */
  auditUserKey: string | undefined;

  private constructor(
    readonly keys: KeyRing,
    readonly limiter: RequestLimiter,
    /** The limit store this object opened (and closes); null when the caller owns it. */
    private readonly ownLimitStore: LimitStore | null,
    readonly audit: AuditChain | null,
    private readonly redactBodies: boolean,
    private readonly now: () => number,
    /** Set for a store that keeps only its last requests: the chain is kept about as long. */
    private readonly auditRetention: AuditRetention | null,
  ) {
    this.observer = { name: 'governance', onRequestFinished: (record) => this.finished(record) };
  }

  static async create(options: GovernanceOptions): Promise<Governance> {
    const { config, store } = options;
    const keyRingOptions: KeyRingOptions = {
      store: store.keys,
      staticKeys: config.server.api_keys,
      onError: (error: unknown) => console.error(`tandem: reloading API keys failed: ${error instanceof Error ? error.message : String(error)}`),
    };
    if (options.keyPollMs !== undefined) keyRingOptions.pollMs = options.keyPollMs;
    const keys = await KeyRing.open(keyRingOptions);
    // The request log is the record of spend: budget counters lost with the process are rebuilt from it.
    const limitStore = options.limitStore ?? createMemoryLimitStore({ history: store.requestLog });
    const limiter = new RequestLimiter({ store: limitStore, perKey: config.limits.per_key, perUser: config.limits.per_user, currency: config.currency });
    const now = options.now ?? Date.now;
    const audit = config.audit.enabled ? new AuditChain({ log: store.audit, replicaId: auditReplicaId(config), now }) : null;
    const retention =
      audit !== null && config.store.type === 'memory' ? new AuditRetention({ chain: audit, log: store.audit, keep: config.store.max_requests }) : null;
    const governance = new Governance(keys, limiter, options.limitStore ? null : limitStore, audit, config.store.redact_bodies === true, now, retention);
    governance.auditUserKey = config.audit.user_key;
    return governance;
  }

  /**
   * 403 when the key may not use what the client named: a route (its `routes` globs) or a model (its
   * `models` globs). A key of scope `routes` may not name a model at all: the request must go through a
   * route, whose policies then apply (docs/decisions/key-scopes.md).
   */
  authorize(key: ApiKeyPrincipal | null, target: { route: string | null; requestedModel: string }): void {
    if (key === null) return;
    if (target.route === null && key.scope === 'routes') {
      throw new GatewayError({
        status: 403,
        code: 'model_not_allowed',
        param: 'model',
        message: `API key ${key.id} ("${key.name}") may use routes only, not models named directly such as "${target.requestedModel}": send one of its routes as \`model\` (GET /v1/models lists them).`,
      });
    }
    if (target.route !== null ? key.allowsRoute(target.route) : key.allowsModel(target.requestedModel)) return;
    const what = target.route !== null ? `route "${target.route}"` : `model "${target.requestedModel}"`;
    throw new GatewayError({
      status: 403,
      code: target.route !== null ? 'route_not_allowed' : 'model_not_allowed',
      param: 'model',
      message: `API key ${key.id} ("${key.name}") may not use ${what}. Ask an administrator to create a key that allows it.`,
    });
  }

  /**
   * Narrows a route's plan to the models the key may use (its `models` globs), like one more policy: refused
   * candidates say why, a refused first choice falls to the next allowed model, and a cascade escalating to
   * a refused model stops being a cascade. 403 when none is left.
   */
  restrictPlan(key: ApiKeyPrincipal | null, plan: RoutePlan): RoutePlan {
    if (key === null || plan.route.name === null) return plan;
    const order = plan.order.filter((m) => key.allowsModel(m.name));
    const escalation = plan.decision.cascade?.escalateTo;
    if (order.length === plan.order.length && (escalation === undefined || key.allowsModel(escalation))) return plan;
    const first = order[0];
    if (first === undefined) {
      throw new GatewayError({
        status: 403,
        code: 'model_not_allowed',
        param: 'model',
        message: `API key ${key.id} ("${key.name}") may not use any model route "${plan.route.name}" could call for this request (${plan.order.map((m) => m.name).join(', ')}).`,
      });
    }
    const because = `key: ${key.id} may not use this model`;
    const candidates = plan.candidates.map((c) =>
      key.allowsModel(c.model) ? c : { ...c, allowed: false, reasons: [...c.reasons, because], refusals: [...c.refusals, because] },
    );
    const decision = { ...plan.decision, model: first.name };
    delete decision.cascade;
    const reason = first === plan.order[0] ? plan.reason : `${plan.reason}; refused (${because}) -> ${first.name}`;
    return { ...plan, candidates, decision, order, reason };
  }

  /** Reserves the request against its limits (429 when over); returns the x-ratelimit-* headers. */
  async admit(o: {
    requestId: string;
    key: ApiKeyPrincipal | null;
    request: ChatRequest;
    models: readonly ModelInfo[];
    promptTokens: number;
    worstCase?: { tokens: number; spend: number };
  }): Promise<Record<string, string>> {
    const user = o.request.params.user;
    if (user !== undefined) this.users.set(o.requestId, user);
    // One literal, not `{ ...o, user, now }`: adding properties the spread source lacks is a slow path in V8 11.
    const { requestId, key, request, models, promptTokens, worstCase } = o;
    const now = this.now();
    return this.limiter.admit(
      worstCase === undefined
        ? { requestId, key, user, request, models, promptTokens, now }
        : { requestId, key, user, request, models, promptTokens, now, worstCase },
    );
  }

  /**
   * The record as the request log should keep it: a pseudonymise route's bodies with placeholders
   * (record.loggedBodies), and every body redacted when `store.redact_bodies` is on.
   */
  forStorage(record: RequestRecord): RequestRecord {
    if (!this.redactBodies && !record.loggedBodies) return record;
    const { loggedBodies, ...rest } = record;
    const requestBody = loggedBodies ? loggedBodies.request : record.requestBody;
    const responseBody = loggedBodies ? loggedBodies.response : record.responseBody;
    if (!this.redactBodies) return { ...rest, requestBody, responseBody };
    return {
      ...rest,
      requestBody: requestBody === null ? null : redactBody(requestBody),
      responseBody: responseBody === null ? null : redactBody(responseBody),
    };
  }

  async close(): Promise<void> {
    await this.auditRetention?.close();
    this.keys.close();
    await this.ownLimitStore?.close();
  }

  /**
   * Settles the reservation and appends the audit record: both always start, neither waits on or skips the
   * other when it fails (a failure is rethrown afterwards, for the gateway to report).
   */
  private async finished(record: RequestRecord): Promise<void> {
    const user = this.users.get(record.id) ?? null;
    this.users.delete(record.id);
    const settled = startSafely(() => this.limiter.settle(record));
    const audited = startSafely(() => this.audit?.append(auditEntryFor(record, auditUser(user, this.auditUserKey))));
    const [settling, auditing] = await Promise.allSettled([settled, audited]);
    if (auditing.status === 'fulfilled' && auditing.value !== undefined) this.auditRetention?.appended(auditing.value.seq);
    if (settling.status === 'rejected') throw settling.reason;
    if (auditing.status === 'rejected') throw auditing.reason;
  }
}

/** This process's own audit chain: `audit.replica_id` (default the host name) plus start time, pid and a random tag. */
/** Runs `start` now; a synchronous throw becomes a rejected promise, so it cannot skip what follows. */
function startSafely<T>(start: () => Promise<T> | T): Promise<T> {
  try {
    return Promise.resolve(start());
  } catch (error) {
    return Promise.reject(error);
  }
}

export function auditReplicaId(config: TandemConfig): string {
  return processChainId(config.audit.replica_id ?? hostname());
}
