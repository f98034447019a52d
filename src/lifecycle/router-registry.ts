/**
 * Registry-backed routers: a `learned` route serves the live `router-scorer` registered under its name, a
 * `cascade` route the live `cascade-verifier`, instead of the file its config names. With no live version
 * the route uses its configured file again. Switching rebuilds the route's runtime (route-runtime.ts); a
 * request already routed keeps the router it was routed by.
 *
 * The routers load artifacts from files, so a version's bytes are written once to a content-addressed
 * file (`<sha256>.json`) in a cache directory and the route is rebuilt pointing at it.
 */
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RouteConfig } from '../config/schema.js';
import { buildRoute, type RouteRuntime } from '../routing/route-runtime.js';
import type { ModelInfo } from '../spec/model-info.js';
import type { ArtifactKind, ArtifactRegistry } from './artifact-registry.js';

export interface RouterSyncOptions {
  registry: ArtifactRegistry;
  /** The gateway's routes (replaced in place). */
  routes: Map<string, RouteRuntime>;
  config: Readonly<Record<string, RouteConfig>>;
  models: ReadonlyMap<string, ModelInfo>;
  baseDir: string;
  /** Route -> sha256 of the registry artifact it serves now (kept between syncs). */
  applied: Map<string, string>;
  /** Where artifact bytes are written for the routers to load (default: <tmp>/tandem-registry). */
  cacheDir?: string;
}

/** Which registry kind backs a route's router, and the config field that names its artifact file. */
export function registryKindOf(route: RouteConfig): { kind: ArtifactKind; field: 'artifact' | 'verifier_artifact' } | undefined {
  if (route.router?.type === 'learned') return { kind: 'router-scorer', field: 'artifact' };
  if (route.router?.type === 'cascade') return { kind: 'cascade-verifier', field: 'verifier_artifact' };
  return undefined;
}

export async function syncLiveRouters(o: RouterSyncOptions): Promise<string[]> {
  const changed: string[] = [];
  const cacheDir = o.cacheDir ?? join(tmpdir(), 'tandem-registry');
  for (const [name, routeConfig] of Object.entries(o.config)) {
    const backing = registryKindOf(routeConfig);
    if (backing === undefined || routeConfig.router === undefined) continue;
    const live = await o.registry.live(backing.kind, name);
    const applied = o.applied.get(name);
    if (live === undefined) {
      if (applied === undefined) continue;
      o.routes.set(name, await buildRoute({ name, config: routeConfig, models: o.models, baseDir: o.baseDir }));
      o.applied.delete(name);
      changed.push(`route ${name}: ${backing.kind} from the registry -> the configured file (nothing live)`);
      continue;
    }
    if (applied === live.sha256) continue;
    const bytes = await o.registry.bytes(backing.kind, name, live.version);
    if (bytes === undefined) continue;
    const path = await cachedFile(cacheDir, live.sha256, bytes);
    const router = { ...routeConfig.router, [backing.field]: path } as RouteConfig['router'];
    // Marked applied either way: a version that cannot load is reported once, not on every poll.
    o.applied.set(name, live.sha256);
    try {
      o.routes.set(name, await buildRoute({ name, config: { ...routeConfig, router }, models: o.models, baseDir: o.baseDir }));
    } catch (error) {
      changed.push(
        `route ${name}: ${backing.kind} v${live.version} is live but cannot be loaded (${error instanceof Error ? error.message : String(error)}); the route keeps the router it had`,
      );
      continue;
    }
    changed.push(`route ${name}: ${backing.kind} v${live.version} (${live.sha256.slice(0, 12)}) is live`);
  }
  return changed;
}

async function cachedFile(dir: string, sha256: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, `${sha256}.json`);
  try {
    await stat(path);
    return path;
  } catch {
    await mkdir(dir, { recursive: true });
    const partial = `${path}.${process.pid}.${Date.now()}.partial`;
    await writeFile(partial, bytes);
    await rename(partial, path);
    return path;
  }
}
