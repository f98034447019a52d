/**
 * The routers `tandem eval` and the benchmark know by name. Trained ones are refitted on each training
 * split; fixed ones (a loaded artifact, the built-in verifier, prompt length) score every prompt as is.
 */
import type { LabelledExample } from '../datasets/labelled-dataset.js';
import type { PromptFeatureOptions } from '../features/prompt-features.js';
import { createCascadeVerifier, trainVerifierArtifact, verifierFromArtifact } from '../cascade-verifier.js';
import { LearnedScorer, loadLearnedScorer } from '../learned-scorer.js';
import { readScorerArtifact } from '../scorer-artifact.js';
import { trainRouterArtifact } from '../train-learned-scorer.js';
import type { RouterUnderTest } from './evaluation-protocol.js';

export const EVAL_ROUTER_NAMES = ['learned', 'cascade', 'cascade-builtin', 'length'] as const;
export type EvalRouterName = (typeof EVAL_ROUTER_NAMES)[number];

export interface EvalRouterOptions {
  /** A trained artifact to evaluate as is (no retraining): a prompt router for `learned`, a verifier for `cascade`. */
  artifact?: string;
  dataset?: string;
  /** Feature settings for a `learned` router trained here (ablations); default: the trained defaults. */
  features?: Partial<PromptFeatureOptions>;
  /** Share of training prompts a `learned` router keeps out to calibrate on (ablations; default the trainer's). */
  calibrationHoldout?: number;
}

function needResponses(examples: readonly LabelledExample[], router: string): void {
  if (examples.some((e) => e.weakResponse === undefined)) {
    throw new Error(`router "${router}" needs the small model's responses, and this dataset has none`);
  }
}

export async function evalRouter(name: string, options: EvalRouterOptions = {}): Promise<RouterUnderTest> {
  switch (name) {
    case 'learned': {
      if (options.artifact) {
        const scorer = await loadLearnedScorer(options.artifact);
        return {
          name: scorer.name,
          mode: 'route',
          trainedOn: scorer.artifact.training.dataset,
          ...(scorer.artifact.training.promptHashes ? { trainedPrompts: new Set(scorer.artifact.training.promptHashes) } : {}),
          train: () => (test) => test.map((e) => scorer.scoreText(e.prompt)),
        };
      }
      return {
        name: 'learned',
        mode: 'route',
        train: (train) => {
          const scorer = new LearnedScorer(
            trainRouterArtifact({
              examples: train,
              dataset: options.dataset ?? 'eval',
              ...(options.features ? { features: options.features } : {}),
              ...(options.calibrationHoldout !== undefined ? { calibrationHoldout: options.calibrationHoldout } : {}),
            }),
          );
          return (test) => test.map((e) => scorer.scoreText(e.prompt));
        },
      };
    }
    case 'cascade': {
      if (options.artifact) {
        const verifier = await createCascadeVerifier(options.artifact);
        return {
          name: verifier.name,
          mode: 'cascade',
          trainedOn: (await readScorerArtifact(options.artifact, 'cascade-verifier')).training.dataset,
          train: () => (test) => {
            needResponses(test, name);
            return test.map((e) => 1 - verifier.scoreAnswer({ prompt: e.prompt, answer: e.weakResponse ?? '' }));
          },
        };
      }
      return {
        name: 'cascade',
        mode: 'cascade',
        train: (train) => {
          needResponses(train, name);
          const verifier = verifierFromArtifact(trainVerifierArtifact({ examples: train, dataset: options.dataset ?? 'eval' }));
          return (test) => test.map((e) => 1 - verifier.scoreAnswer({ prompt: e.prompt, answer: e.weakResponse ?? '' }));
        },
      };
    }
    case 'cascade-builtin': {
      const verifier = await createCascadeVerifier();
      return {
        name: 'cascade-builtin',
        mode: 'cascade',
        train: () => (test) => {
          needResponses(test, name);
          return test.map((e) => 1 - verifier.scoreAnswer({ prompt: e.prompt, answer: e.weakResponse ?? '' }));
        },
      };
    }
    case 'length':
      // A transparent baseline: longer prompts go to the large model.
      return { name: 'length', mode: 'route', train: () => (test) => test.map((e) => 1 - 1 / (1 + e.prompt.length / 500)) };
    default:
      throw new Error(`unknown router "${name}"; choose from ${EVAL_ROUTER_NAMES.join(', ')} (random and oracle are always shown)`);
  }
}
