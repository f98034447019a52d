/**
 * Hot reload from the registry: every replica polls the registry's change counter (one indexed `max(seq)`
 * query, every `registry.poll_interval_ms`, 1 s by default) and, when it moved, applies what is live now:
 * task students switch without a restart (task-student-registry.ts), learned routers whose scorer is in the
 * registry are rebuilt (router-registry.ts). A promotion or rollback made through any replica, the CLI or
 * the admin API reaches every replica on the same database within one interval plus the reload.
 */
export interface RegistryWatchOptions {
  /** The registry's change counter (ArtifactRegistry.changeCounter). */
  counter: () => Promise<number>;
  /** Applies what is live now; returns a line per change, for the log. */
  apply: () => Promise<string[]>;
  intervalMs: number;
  log?: (line: string) => void;
}

export class RegistryWatch {
  private timer: NodeJS.Timeout | undefined;
  private seen = -1;
  private running: Promise<void> | null = null;
  private failing = false;
  private stopped = false;
  /** Changes applied since start (tests and metrics). */
  reloads = 0;

  constructor(private readonly options: RegistryWatchOptions) {}

  /** Applies what is live now once, then polls. */
  async start(): Promise<void> {
    await this.check();
    this.schedule();
  }

  /** One poll: applies the registry when its counter moved since the last one. */
  check(): Promise<void> {
    this.running ??= this.poll().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.check().finally(() => this.schedule()), this.options.intervalMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    const log = this.options.log ?? ((line: string) => console.error(line));
    try {
      const counter = await this.options.counter();
      if (counter === this.seen) return;
      const changes = await this.options.apply();
      this.seen = counter;
      if (changes.length > 0) {
        this.reloads += changes.length;
        for (const change of changes) log(`tandem: registry: ${change}`);
      }
      if (this.failing) log('tandem: registry: reading the registry works again');
      this.failing = false;
    } catch (error) {
      // Logged once per outage, not once per second; the next poll tries again.
      if (!this.failing)
        log(`tandem: registry: reading the registry failed, serving what was live before: ${error instanceof Error ? error.message : String(error)}`);
      this.failing = true;
    }
  }
}
