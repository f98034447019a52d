import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../config/config-error.js';
import { parseConfigText } from '../config/load-config.js';

const config = (task: string): string => `
models:
  teacher: { provider: openai-compatible, base_url: "http://127.0.0.1:9/v1", locality: cloud }
  other: { provider: openai-compatible, base_url: "http://127.0.0.1:9/v1", locality: cloud }
routes:
  support/intent:
    models: [teacher]
    task: ${task}
`;

function issues(text: string): string[] {
  try {
    parseConfigText(text, { source: 'tandem.yaml' });
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.format().split('\n');
  }
  return [];
}

test('a task route with defaults: whole-answer labels, 0.98 agreement, 2% shadow checks', () => {
  const { config: parsed } = parseConfigText(config('{ prompt_template: "Intent of: {input}" }'), { source: 'tandem.yaml' });
  const task = parsed.routes['support/intent']?.task;
  assert.deepEqual(task?.label, { from: 'answer' });
  assert.equal(task?.target_agreement, 0.98);
  assert.equal(task?.shadow_fraction, 0.02);
  assert.equal(task?.capture, 'pseudonymised');
  assert.equal(task?.confidence, 'probability');
  assert.deepEqual(task?.demotion, { margin: 0.03, min_checks: 50, window: 200 });
});

test('task mistakes are config errors with their path', () => {
  assert.match(issues(config('{ teacher: other }')).join('\n'), /routes\.support\/intent\.task\.teacher: model "other" is not in this route's models list/);
  assert.match(
    issues(config('{ label: { from: regex, pattern: "(unclosed", answer_template: "{label}" } }')).join('\n'),
    /task\.label\.pattern: not a valid JavaScript regular expression/,
  );
  assert.match(issues(config('{ prompt_template: "no placeholder" }')).join('\n'), /task\.prompt_template/);
  assert.match(issues(config('{ target_agreement: 1 }')).join('\n'), /task\.target_agreement/);
  assert.match(issues(config('{ confidence: margin }')).join('\n'), /task\.confidence/);
  assert.deepEqual(issues(config('{ confidence: trust }')), []);
  assert.match(issues(config('{ shadow_fraction: 0.1, sample: 3 }')).join('\n'), /task\.sample: unknown key/);
});
