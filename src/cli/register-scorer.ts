/**
 * `tandem train-router --register <route>`: the artifact just written, registered in the model registry of
 * the config's store (kind router-scorer or cascade-verifier, name = the route), with where it came from
 * and how it measured. A candidate unless `--live`; `tandem registry promote` serves it later.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ArtifactEntry } from '../lifecycle/artifact-registry.js';
import type { ScorerArtifact } from '../quality/scorer-artifact.js';
import { CommandFailure } from './cli-deps.js';
import { openGovernedStore } from './keys-command-store.js';

export async function registerScorerArtifact(o: {
  config: string;
  route: string;
  /** The file written: its bytes are what is registered, exactly what a gateway would load. */
  file: string;
  artifact: ScorerArtifact;
  live: boolean;
  actor: string;
}): Promise<ArtifactEntry> {
  const [{ store, config }, { registryService }, { AuditChain }, { auditReplicaId }, { RegistryError }] = await Promise.all([
    openGovernedStore(o.config),
    import('../lifecycle/gateway-registry.js'),
    import('../governance/audit-chain.js'),
    import('../governance/governance.js'),
    import('../lifecycle/registry-service.js'),
  ]);
  try {
    const route = config.routes[o.route];
    const kind = o.artifact.kind === 'prompt-router' ? 'router-scorer' : 'cascade-verifier';
    const expected = kind === 'router-scorer' ? 'learned' : 'cascade';
    if (route === undefined)
      throw new CommandFailure(`--register: no route "${o.route}" in ${o.config} (routes: ${Object.keys(config.routes).join(', ') || 'none'})`);
    if (route.router?.type !== expected) {
      throw new CommandFailure(
        `--register: route "${o.route}" has a ${route.router?.type ?? 'no'} router; a ${kind} serves a route with router type ${expected}`,
      );
    }
    const service = registryService(store, config.audit.enabled ? new AuditChain({ log: store.audit, replicaId: auditReplicaId(config) }) : null);
    const t = o.artifact.training;
    const best = t.innerValidation.find((v) => v.l2 === t.l2)?.apgr;
    const { entry } = await service.register(
      {
        kind,
        name: o.route,
        bytes: await readFile(o.file),
        createdAt: Date.parse(o.artifact.createdAt) || Date.now(),
        provenance: { dataset: t.dataset, examples: t.examples, weakModel: t.weakModel, strongModel: t.strongModel, file: basename(o.file) },
        metrics: {
          ...(best === undefined ? {} : { innerCvApgr: best }),
          l2: t.l2,
          threshold: o.artifact.calibration.threshold,
          llmShare: o.artifact.calibration.llmShare,
          calibratedOn: o.artifact.calibration.reference,
        },
      },
      { actor: o.actor, reason: `trained on ${t.dataset}`, live: o.live },
    );
    return o.live ? { ...entry, status: 'live' } : entry;
  } catch (error) {
    if (error instanceof RegistryError) throw new CommandFailure(error.message, { cause: error });
    throw error;
  } finally {
    await store.close();
  }
}
