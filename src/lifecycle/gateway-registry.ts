/**
 * The registry as a running gateway uses it: the service the admin API and the task stage change it
 * through (audited in the gateway's own chain), and the watch that applies what is live, at start and
 * after every change made anywhere (registry-watch.ts).
 */
import type { TandemConfig } from '../config/schema.js';
import type { DistillingTaskStage } from '../distill/task-stage.js';
import type { AuditChain } from '../governance/audit-chain.js';
import type { RouteRuntime } from '../routing/route-runtime.js';
import type { ModelInfo } from '../spec/model-info.js';
import type { Store } from '../store/request-log.js';
import { RegistryError, RegistryService } from './registry-service.js';
import { RegistryWatch } from './registry-watch.js';
import { syncLiveRouters } from './router-registry.js';
import { mirrorStudentStatus, registerTrainedStudent, syncLiveStudents, type TrainedStudent } from './task-student-registry.js';

export function registryService(store: Store, audit: AuditChain | null): RegistryService {
  return new RegistryService({ registry: store.registry, audit, afterChange: (change) => mirrorStudentStatus(store.taskExamples, change) });
}

export interface GatewayRegistryOptions {
  config: TandemConfig;
  store: Store;
  audit: AuditChain | null;
  routes: Map<string, RouteRuntime>;
  models: ReadonlyMap<string, ModelInfo>;
  baseDir: string;
  tasks: DistillingTaskStage | null;
  log?: (line: string) => void;
}

export class GatewayRegistry {
  readonly service: RegistryService;
  readonly watch: RegistryWatch;
  private readonly applied = new Map<string, string>();
  private readonly log: (line: string) => void;

  constructor(private readonly o: GatewayRegistryOptions) {
    this.log = o.log ?? ((line) => console.error(line));
    this.service = registryService(o.store, o.audit);
    this.watch = new RegistryWatch({
      counter: () => o.store.registry.changeCounter(),
      apply: () => this.apply(),
      intervalMs: o.config.registry?.poll_interval_ms ?? 1_000,
      log: this.log,
    });
  }

  /** Makes everything live in the registry serve; what changed, one line each. */
  async apply(): Promise<string[]> {
    const changed = await syncLiveRouters({
      registry: this.o.store.registry,
      routes: this.o.routes,
      config: this.o.config.routes,
      models: this.o.models,
      baseDir: this.o.baseDir,
      applied: this.applied,
    });
    if (this.o.tasks) {
      changed.push(...(await syncLiveStudents(this.o.tasks.routes, this.o.store.registry)).map((c) => `task student ${c}`));
      changed.push(...(await this.o.tasks.syncCanaries(this.o.store.registry)).map((c) => `task student ${c}`));
    }
    return changed;
  }

  /** A student the task stage just trained (never throws: training already succeeded). */
  async registerTrained(student: TrainedStudent): Promise<void> {
    try {
      await registerTrainedStudent(this.service, student, 'gateway');
      // A canary starts serving here now, on the other replicas within a poll.
      if (student.canary) await this.watch.check();
    } catch (error) {
      this.log(`tandem: registering student:${student.route}@v${student.version} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** The task stage demoted a student on its shadow checks: retire it everywhere (never throws). */
  async demoted(route: string, version: number): Promise<void> {
    try {
      await this.service.retire({ kind: 'task-student', name: route, version }, { actor: 'gateway', reason: 'demoted by its shadow checks', action: 'demote' });
    } catch (error) {
      if (error instanceof RegistryError && error.code === 'not_found') return;
      this.log(
        `tandem: recording the demotion of student:${route}@v${version} in the registry failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /**
   * A student canary's test decided (distill/student-canary.ts): promote its version or retire it, then
   * apply at once here (other replicas follow within a poll). Never throws: the decision is stored already.
   */
  async canaryDecided(route: string, version: number, action: 'promote' | 'retire', reason: string, experiment: string): Promise<void> {
    const target = { kind: 'task-student', name: route, version };
    const by = { actor: `experiment:${experiment}`, reason };
    try {
      if (action === 'promote') await this.service.promote(target, by);
      else await this.service.retire(target, { ...by, action: 'rollback' });
      await this.watch.check();
    } catch (error) {
      this.log(`tandem: applying canary ${experiment}'s decision to the registry failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * Applies what is live and polls for changes, when a route can serve from the registry at all (a task
   * route's student, a learned route's scorer, a cascade's verifier); otherwise there is nothing to apply,
   * and a gateway without such routes does no registry query at start-up or every poll interval.
   */
  start(): Promise<void> {
    const serves = Object.values(this.o.config.routes).some(
      (route) => route.task !== undefined || route.router?.type === 'learned' || route.router?.type === 'cascade',
    );
    return serves ? this.watch.start() : Promise.resolve();
  }

  stop(): Promise<void> {
    return this.watch.stop();
  }
}
