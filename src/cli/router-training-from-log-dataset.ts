/**
 * `tandem train-router --from-log --route R`: opens the config's store and reads the route's training
 * labels from the log (lifecycle/router-training-from-log.ts), saying what it used and what it left out.
 */
import type { LabelledDataset } from '../quality/datasets/labelled-dataset.js';
import { datasetFromLog } from '../lifecycle/router-training-from-log.js';
import { openStore } from '../store/open-store.js';

export async function loadLogDataset(options: { config: string; route: string; since?: number }, log: (line: string) => void): Promise<LabelledDataset> {
  const { loadConfig } = await import('../config/load-config.js');
  const { config, baseDir } = await loadConfig(options.config);
  const route = config.routes[options.route];
  if (!route) throw new Error(`route "${options.route}" is not in ${options.config} (routes: ${Object.keys(config.routes).join(', ') || 'none'})`);
  if (config.store.type === 'memory') throw new Error('the config sets `store: {type: memory}`: there is no request log to train from');
  const store = await openStore(config.store, baseDir);
  try {
    const report = await datasetFromLog({ store, route: options.route, config: route, ...(options.since !== undefined ? { since: options.since } : {}) });
    const left = Object.entries(report.skipped)
      .filter(([, n]) => n > 0)
      .map(([why, n]) => `${n} ${why}`);
    log(
      `labels from the log of ${options.route}: ${report.dataset.examples.length} (${report.fromFeedback} from feedback, ${report.fromShadow} from shadow pairs)` +
        (left.length > 0 ? `; left out: ${left.join(', ')}` : ''),
    );
    if (report.dataset.examples.length < 10) {
      throw new Error(
        `only ${report.dataset.examples.length} labelled requests on ${options.route}; training needs at least 10 (rate the small model's answers with POST /v1/feedback, or set router.shadow.rate to collect shadow pairs)`,
      );
    }
    return report.dataset;
  } finally {
    await store.close();
  }
}
