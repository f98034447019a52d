import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelSchema } from '../config/schema.js';
import { startFakeUpstream } from './testing/fake-upstream.js';
import { conformanceTextRequest, context } from './testing/provider-conformance.js';
import { createProviderAdapter, modelInfoFromConfig } from './create-provider-adapter.js';

test('modelInfoFromConfig: upstream model, prices, origin as upstream key', () => {
  const openai = modelSchema.parse({
    provider: 'openai-compatible',
    base_url: 'http://127.0.0.1:11434/v1',
    model: 'qwen2.5:3b',
    locality: 'local',
    pricing: { input_per_1m: 0.1, output_per_1m: 0.2 },
    capabilities: { tools: true },
  });
  const info = modelInfoFromConfig('qwen', openai);
  assert.equal(info.upstreamModel, 'qwen2.5:3b');
  assert.equal(info.upstreamKey, 'http://127.0.0.1:11434');
  assert.deepEqual(info.pricing, { inputPer1M: 0.1, outputPer1M: 0.2, cachedInputPer1M: 0.1 });
  assert.equal(info.capabilities.tools, true);
  assert.equal(info.timeoutMs, 60_000);

  const claude = modelInfoFromConfig('claude-sonnet-4-20250514', modelSchema.parse({ provider: 'anthropic', locality: 'cloud' }));
  assert.equal(claude.upstreamModel, 'claude-sonnet-4-20250514', 'defaults to the entry name');
  assert.equal(claude.upstreamKey, 'https://api.anthropic.com');

  const tiny = modelInfoFromConfig('tiny', modelSchema.parse({ provider: 'embedded', path: 'models/tiny.gguf', locality: 'local' }));
  assert.equal(tiny.upstreamKey, 'embedded:tiny');
  assert.equal(tiny.provider, 'embedded');
});

test('createProviderAdapter dispatches on provider and the adapters reach their upstream paths', async () => {
  const upstream = await startFakeUpstream({
    '/v1/chat/completions': {
      body: { id: 'c', model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'from openai' }, finish_reason: 'stop' }] },
    },
    '/v1/messages': { body: { id: 'm', model: 'm', content: [{ type: 'text', text: 'from anthropic' }], stop_reason: 'end_turn' } },
  });
  try {
    const openai = await createProviderAdapter({
      name: 'local',
      config: modelSchema.parse({ provider: 'openai-compatible', base_url: `${upstream.url}/v1`, locality: 'local' }),
      baseDir: '.',
    });
    const anthropic = await createProviderAdapter({
      name: 'claude',
      config: modelSchema.parse({ provider: 'anthropic', base_url: upstream.url, locality: 'cloud' }),
      baseDir: '.',
    });
    assert.equal((await openai.generate(conformanceTextRequest, context())).text, 'from openai');
    assert.equal((await anthropic.generate(conformanceTextRequest, context())).text, 'from anthropic');
    assert.equal(openai.info.provider, 'openai-compatible');
    assert.equal(anthropic.info.provider, 'anthropic');
    await openai.close();
    await anthropic.close();
  } finally {
    await upstream.close();
  }
});

test('createProviderAdapter builds an embedded adapter lazily, without loading the model', async () => {
  const adapter = await createProviderAdapter({
    name: 'tiny',
    config: modelSchema.parse({ provider: 'embedded', path: 'does-not-exist.gguf', locality: 'local' }),
    baseDir: '/tmp',
  });
  assert.equal(adapter.info.provider, 'embedded');
  assert.equal(adapter.info.locality, 'local');
  await adapter.close();
});
