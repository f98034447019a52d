/** Registry-backed routers: the live scorer replaces the configured file, a bad one is reported and skipped. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseChatRequest } from '../api/openai-chat/parse-chat-request.js';
import { configSchema, type RouteConfig } from '../config/schema.js';
import { modelInfoFromConfig } from '../providers/create-provider-adapter.js';
import type { LabelledExample } from '../quality/datasets/labelled-dataset.js';
import { writeScorerArtifact } from '../quality/scorer-artifact.js';
import { trainRouterArtifact } from '../quality/train-learned-scorer.js';
import { buildRoute, type RouteRuntime } from '../routing/route-runtime.js';
import { createMemoryStore } from '../store/memory/memory-store.js';
import { syncLiveRouters } from './router-registry.js';

const traffic: LabelledExample[] = Array.from({ length: 40 }, (_, i) => ({
  id: `t${i}`,
  prompt: i % 2 === 0 ? `Compute ${i} * ${i + 7} and explain each step.` : `Say hello to friend ${i}.`,
  weak: i % 2 === 0 ? 0 : 1,
  strong: 1,
}));

test('the live router-scorer replaces the file; a bad one keeps the router; nothing live goes back to the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tandem-router-registry-'));
  const store = createMemoryStore();
  try {
    await writeScorerArtifact(join(dir, 'file.json'), trainRouterArtifact({ examples: traffic, name: 'from-file', llmShare: 0.5 }));
    const config = configSchema.parse({
      models: {
        small: { provider: 'openai-compatible', base_url: 'http://127.0.0.1:1/v1', model: 's', locality: 'local' },
        large: { provider: 'openai-compatible', base_url: 'http://127.0.0.1:1/v1', model: 'l', locality: 'cloud' },
      },
      routes: { auto: { models: ['small', 'large'], router: { type: 'learned', artifact: join(dir, 'file.json'), small: 'small', large: 'large' } } },
    });
    const models = new Map(Object.entries(config.models).map(([name, m]) => [name, modelInfoFromConfig(name, m)]));
    const routes = new Map<string, RouteRuntime>([
      ['auto', await buildRoute({ name: 'auto', config: config.routes.auto as RouteConfig, models, baseDir: dir })],
    ]);
    const applied = new Map<string, string>();
    const sync = () =>
      syncLiveRouters({ registry: store.registry, routes, config: config.routes, models, baseDir: dir, applied, cacheDir: join(dir, 'cache') });
    const hello = parseChatRequest({ model: 'auto', messages: [{ role: 'user', content: 'Say hello to Anna.' }] });
    const reason = async (): Promise<string> => (await routes.get('auto')?.router.decide(hello, [...models.values()]))?.reason ?? '';
    assert.match(await reason(), /learned:from-file/);
    assert.deepEqual(await sync(), []);

    const by = { actor: 'test', reason: null, time: 1 };
    const good = new TextEncoder().encode(JSON.stringify(trainRouterArtifact({ examples: traffic, name: 'from-registry', llmShare: 0.5 })));
    await store.registry.register({ kind: 'router-scorer', name: 'auto', bytes: good, createdAt: 1, provenance: {}, metrics: {} }, by);
    await store.registry.setStatus({ kind: 'router-scorer', name: 'auto', version: 1, to: 'live', action: 'promote', ...by });
    assert.match((await sync())[0] ?? '', /route auto: router-scorer v1 \([0-9a-f]{12}\) is live/);
    assert.match(await reason(), /learned:from-registry/);
    assert.deepEqual(await sync(), [], 'applied once');

    await store.registry.register(
      { kind: 'router-scorer', name: 'auto', bytes: new TextEncoder().encode('{"not": "a scorer"}'), createdAt: 2, provenance: {}, metrics: {} },
      by,
    );
    await store.registry.setStatus({ kind: 'router-scorer', name: 'auto', version: 2, to: 'live', action: 'promote', ...by });
    assert.match((await sync())[0] ?? '', /router-scorer v2 is live but cannot be loaded .*keeps the router it had/);
    assert.match(await reason(), /learned:from-registry/);
    assert.deepEqual(await sync(), [], 'a bad version is reported once');

    await store.registry.setStatus({ kind: 'router-scorer', name: 'auto', version: 2, to: 'retired', action: 'retire', ...by });
    assert.match((await sync())[0] ?? '', /the configured file \(nothing live\)/);
    assert.match(await reason(), /learned:from-file/);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
