/**
 * The gateway's runtime, built once from a loaded config: model infos and adapters, compiled routes,
 * the circuit breaker and latency tracker shared by all requests, and the store.
 */
import type { TandemConfig } from '../config/schema.js';
import { createProviderAdapter, modelInfoFromConfig } from '../providers/create-provider-adapter.js';
import type { ProviderAdapter } from '../providers/provider-adapter.js';
import { CircuitBreaker } from '../routing/circuit-breaker.js';
import type { AnswerVerifier } from '../routing/answer-verifier.js';
import { LatencyTracker } from '../routing/latency-tracker.js';
import { buildRoute, implicitRoute, type RouteRuntime } from '../routing/route-runtime.js';
import { GatewayError } from '../spec/errors.js';
import type { ModelInfo } from '../spec/model-info.js';
import type { RequestRecord } from '../spec/request-record.js';
import type { Store } from '../store/request-log.js';
import type { RequestObserver } from './request-observer.js';
import { Governance } from '../governance/governance.js';
import type { Cluster } from '../cluster/open-cluster.js';
import { failSpan, startChildSpan } from '../telemetry/tracing/tandem-tracer.js';
import type { DistillingTaskStage, TaskStage } from '../distill/task-stage.js';
import type { GatewayRegistry } from '../lifecycle/gateway-registry.js';
import type { LifecycleStage } from '../lifecycle/lifecycle-stage.js';
import type { CacheStage } from '../cache/cache-stage.js';
import type { RouteCacheConfig } from '../cache/cache-schema.js';

export interface GatewayOptions {
  config: TandemConfig;
  baseDir: string;
  store: Store;
  /** Replaces the adapter built from config for these models (tests). */
  adapters?: ReadonlyMap<string, ProviderAdapter>;
  verifier?: AnswerVerifier;
}

export class Gateway {
  readonly models = new Map<string, ModelInfo>();
  readonly adapters = new Map<string, ProviderAdapter>();
  readonly routes = new Map<string, RouteRuntime>();
  private readonly implicit = new Map<string, RouteRuntime>();
  readonly breaker: CircuitBreaker;
  readonly latency = new LatencyTracker();
  readonly logBodies: boolean;
  verifier: AnswerVerifier | undefined;
  /** Set while shutting down: /readyz turns 503. */
  draining = false;
  /** Chat requests being answered now (read by the in-flight metric at scrape time). */
  activeRequests = 0;
  /** Notified of every finished request (metrics, audit, budgets). */
  readonly observers: RequestObserver[] = [];
  /** Shared state with the other replicas (`cluster.redis`): limit counters, breaker openings, latency. */
  cluster: Cluster | undefined;
  /** API keys, limits and the audit chain (set by create()). */
  governance: Governance | undefined;
  /** Task students of the routes that declare a `task` (distill/task-stage.ts); null when none does. */
  tasks: TaskStage | null = null;
  /** The answer cache of the routes that configure `cache` (cache/cache-stage.ts); null when none does. */
  cache: CacheStage | null = null;
  /** Experiments and drift monitors of the routes that configure them (lifecycle/lifecycle-stage.ts); null when none does. */
  lifecycle: LifecycleStage | null = null;
  /** The model registry: its service (admin API) and the watch that hot-reloads what is live (lifecycle/gateway-registry.ts). */
  registry: GatewayRegistry | undefined;

  private constructor(
    readonly config: TandemConfig,
    readonly baseDir: string,
    readonly store: Store,
  ) {
    this.breaker = new CircuitBreaker({
      failureThreshold: config.circuit_breaker.failure_threshold,
      cooldownMs: config.circuit_breaker.cooldown_ms,
    });
    // The audit log hashes both bodies, so records carry them whenever it is on; the store still drops
    // them unless log_bodies is set.
    this.logBodies = config.store.log_bodies !== false || config.audit.enabled;
  }

  static async create(options: GatewayOptions): Promise<Gateway> {
    const gateway = new Gateway(options.config, options.baseDir, options.store);
    gateway.verifier = options.verifier;
    for (const [name, modelConfig] of Object.entries(options.config.models)) {
      const info = modelInfoFromConfig(name, modelConfig);
      const adapter = options.adapters?.get(name) ?? (await createProviderAdapter({ name, config: modelConfig, info, baseDir: options.baseDir }));
      // The adapter may know more than config alone (e.g. the embedded model's resolved file path).
      gateway.models.set(name, adapter.info);
      gateway.adapters.set(name, adapter);
    }
    for (const [name, routeConfig] of Object.entries(options.config.routes)) {
      gateway.routes.set(name, await buildRoute({ name, config: routeConfig, models: gateway.models, baseDir: options.baseDir }));
    }
    if (!gateway.verifier && [...gateway.routes.values()].some((r) => r.router.type === 'cascade')) {
      const { createCascadeVerifier } = await import('../quality/cascade-verifier.js');
      gateway.verifier = await createCascadeVerifier();
    }
    if (options.config.cluster) {
      const { openCluster } = await import('../cluster/open-cluster.js');
      gateway.cluster = await openCluster({
        config: options.config.cluster,
        breaker: gateway.breaker,
        latency: gateway.latency,
        models: [...gateway.models.keys()],
        // Budget counters Redis loses (a restart) are rebuilt from the request log.
        history: options.store.requestLog,
      });
    }
    const cached = Object.entries(options.config.routes).flatMap(([name, route]) => (route.cache ? [[name, route.cache] as [string, RouteCacheConfig]] : []));
    if (cached.length > 0) {
      const [{ CacheStage }, { RedisAnswerCache }] = await Promise.all([import('../cache/cache-stage.js'), import('../cache/redis-answer-cache.js')]);
      gateway.cache = new CacheStage({
        routes: cached,
        adapters: gateway.adapters,
        ...(options.store.answerCache ? { storeCache: options.store.answerCache } : {}),
        ...(options.store.vectors ? { storeVectors: options.store.vectors } : {}),
        ...(gateway.cluster ? { redisCache: new RedisAnswerCache(gateway.cluster.connection.client, gateway.cluster.connection.keyPrefix) } : {}),
      });
    }
    // Students trained before the registry below exists (at start-up) wait for it to be registered.
    let registryReady: (registry: GatewayRegistry) => void = () => undefined;
    const registry = new Promise<GatewayRegistry>((resolve) => (registryReady = resolve));
    let stage: DistillingTaskStage | null = null;
    if (Object.values(options.config.routes).some((route) => route.task)) {
      const [{ createTaskStage }, { routeShadowPrivacy }] = await Promise.all([import('../distill/task-stage.js'), import('../distill/shadow-privacy.js')]);
      gateway.tasks = stage = await createTaskStage({
        config: options.config,
        store: options.store.taskExamples,
        models: gateway.models,
        adapters: gateway.adapters,
        privacy: routeShadowPrivacy(gateway.routes, gateway.latency),
        onTrained: async (student) => (await registry).registerTrained(student),
        onDemoted: (route, version) => void registry.then((r) => r.demoted(route, version)),
        experiments: options.store.experiments,
        onCanaryDecision: async (...decision) => (await registry).canaryDecided(...decision),
      });
    }
    gateway.governance = await Governance.create({ config: options.config, store: options.store, limitStore: gateway.cluster?.limits });
    gateway.observers.push(gateway.governance.observer);
    // Shadow pairs on learned routes with `router.shadow` (lifecycle/router-training-shadow.ts).
    if (Object.values(options.config.routes).some((route) => route.router?.type === 'learned' && route.router.shadow)) {
      await (await import('../lifecycle/router-training-shadow.js')).installShadowPairs(gateway);
    }
    const { GatewayRegistry } = await import('../lifecycle/gateway-registry.js');
    gateway.registry = new GatewayRegistry({
      config: options.config,
      store: options.store,
      audit: gateway.governance.audit,
      routes: gateway.routes,
      models: gateway.models,
      baseDir: options.baseDir,
      tasks: stage,
    });
    registryReady(gateway.registry);
    await gateway.registry.start();
    if (Object.values(options.config.routes).some((route) => route.experiment || route.drift)) {
      const { LifecycleStage } = await import('../lifecycle/lifecycle-stage.js');
      gateway.lifecycle = await LifecycleStage.create({
        config: options.config,
        experiments: options.store.experiments,
        taskExamples: options.store.taskExamples,
        registry: () => gateway.registry?.service,
        models: gateway.models,
        tasks: gateway.tasks,
      });
      if (gateway.lifecycle) gateway.observers.push(gateway.lifecycle.observer);
    }
    return gateway;
  }

  /** The route a client's `model` names: a route, or a model's implicit route. 404 lists the valid names. */
  resolve(name: string): RouteRuntime {
    const route = this.routes.get(name) ?? this.implicit.get(name);
    if (route) return route;
    const model = this.models.get(name);
    if (model) {
      const created = implicitRoute(model);
      this.implicit.set(name, created);
      return created;
    }
    throw new GatewayError({
      status: 404,
      code: 'model_not_found',
      param: 'model',
      message: `The model "${name}" does not exist. Valid routes: ${[...this.routes.keys()].join(', ') || '(none)'}; valid models: ${[...this.models.keys()].join(', ')}.`,
    });
  }

  /**
   * Records a finished request: appends its log row and notifies the observers in the same tick, so the
   * store commits the row and the audit record together, then waits until both are durable. An observer
   * that throws or rejects is reported on stderr and never fails the request; a failed append does.
   */
  async finish(record: RequestRecord): Promise<void> {
    const span = startChildSpan('tandem.store.append');
    // Nothing before the observers may throw past them: the request reached an upstream, and its audit
    // record and budget settlement must happen whatever becomes of its row.
    let appended: Promise<void>;
    try {
      appended = this.store.requestLog.append(this.storageCopy(record));
    } catch (error) {
      appended = Promise.reject(error);
    }
    const observed: Array<Promise<void>> = [];
    for (const observer of this.observers) {
      try {
        const pending = observer.onRequestFinished(record);
        if (pending) observed.push(pending.catch((error: unknown) => reportObserverFailure(observer, error)));
      } catch (error) {
        reportObserverFailure(observer, error);
      }
    }
    // The row and the audit record are queued; alone in flight, nothing else can join their commit.
    if (this.activeRequests <= 1) this.store.commitNow?.();
    try {
      await appended;
    } catch (error) {
      if (span) failSpan(span, error);
      throw error;
    } finally {
      span?.end();
      if (observed.length > 0) await Promise.all(observed);
    }
  }

  /** The row as stored (bodies redacted when configured); without bodies if that fails, never unredacted. */
  private storageCopy(record: RequestRecord): RequestRecord {
    try {
      return this.governance?.forStorage(record) ?? record;
    } catch (error) {
      console.error(`tandem: preparing the log row of ${record.id} failed, stored without bodies: ${error instanceof Error ? error.message : String(error)}`);
      return { ...record, requestBody: null, responseBody: null };
    }
  }

  async close(): Promise<void> {
    await this.registry?.stop();
    await this.lifecycle?.close();
    await this.tasks?.close();
    await Promise.allSettled([...this.adapters.values()].map((a) => a.close()));
    await this.governance?.close();
    await this.cluster?.close();
    await this.store.close();
  }
}

function reportObserverFailure(observer: RequestObserver, error: unknown): void {
  console.error(`tandem: request observer "${observer.name}" failed: ${error instanceof Error ? error.message : String(error)}`);
}
