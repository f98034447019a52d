/**
 * A stress set for calibration and features: every prompt of a labelled dataset behind one long constant
 * few-shot prefix, the way many applications send a fixed system prompt or worked examples before the
 * question. Built from the dataset itself: the first `shots` examples (in a seeded order) whose strong
 * answer is correct become the worked examples and leave the set.
 */
import { shuffledIndices } from '../model/fit-with-inner-cv.js';
import type { LabelledDataset, LabelledExample } from './labelled-dataset.js';

export function withConstantPrefix(dataset: LabelledDataset, options: { shots?: number; seed?: number } = {}): LabelledDataset {
  const shots = options.shots ?? 8;
  const order = shuffledIndices(dataset.examples.length, options.seed ?? 7);
  const used = new Set<number>();
  const parts: string[] = ['Solve the problem. Here are worked examples.'];
  for (const i of order) {
    if (used.size === shots) break;
    const e = dataset.examples[i] as LabelledExample;
    if (e.strong < 1) continue;
    used.add(i);
    const answer = e.strongResponse ?? '';
    parts.push(`Question: ${e.prompt}\nAnswer: ${answer.trim()}`);
  }
  const prefix = `${parts.join('\n\n')}\n\n`;
  const examples = dataset.examples
    .filter((_, i) => !used.has(i))
    .map((e) => ({ ...e, id: `prefix/${e.id}`, prompt: `${prefix}Question: ${e.prompt}\nAnswer:` }));
  return { ...dataset, name: `${dataset.name}-constant-prefix`, examples };
}
