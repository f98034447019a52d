/**
 * One generation on a pooled context sequence: evaluate the prompt (reusing the sequence's cached prefix),
 * sample tokens, turn them into text deltas, and stop on an end token, a stop sequence, max_tokens, a full
 * context or the abort signal. Usage is counted in the model's own tokens.
 */
import type { LlamaContextSequence, LlamaGrammar, SequenceEvaluateOptions, Token } from 'node-llama-cpp';
import type { StreamPart } from '../../spec/stream-part.js';
import type { FinishReason, Usage } from '../../spec/usage.js';
import { ProviderError } from '../../spec/errors.js';
import { abortedError, runtimeError } from './embedded-error.js';
import type { EmbeddedPrompt } from './embedded-prompt.js';
import type { EmbeddedRuntime } from './embedded-runtime.js';
import type { EmbeddedSettings } from './embedded-settings.js';
import { IncrementalDetokenizer } from './incremental-detokenizer.js';
import { ABORTED, AbortRace } from './race-abort.js';
import { StopSequenceMatcher } from './stop-sequence-matcher.js';

export interface GenerationOptions {
  provider: string;
  runtime: EmbeddedRuntime;
  prompt: EmbeddedPrompt;
  settings: EmbeddedSettings;
  grammar: LlamaGrammar | undefined;
  signal: AbortSignal;
}

/** Parts after `start`: text deltas, then exactly one `finish` or `error`. */
export type GenerationParts = AsyncGenerator<Exclude<StreamPart, { type: 'start' }>, void, void>;

export function commonPrefixLength(a: readonly Token[], b: readonly Token[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * Acquires a sequence (waiting in the pool's queue if all are busy) and returns the generation.
 * Everything that can fail before the first token (queueing, abort) throws here, before any part is yielded.
 */
export async function startGeneration(options: GenerationOptions): Promise<GenerationParts> {
  const { runtime, prompt, signal, provider } = options;
  const sequence = await runtime.pool
    .acquire(signal, (s) => commonPrefixLength(s.contextTokens, prompt.tokens))
    .catch((error: unknown) => {
      if (signal.aborted) throw abortedError(provider, error);
      // The in-process engine is this model's upstream: its failures are the model's (a ProviderError), as a
      // server's would be, so they fall back and count against its circuit (routing/execute-plan.ts).
      if (error instanceof ProviderError) throw error;
      throw runtimeError({ provider, message: `no sequence could be started (${error instanceof Error ? error.message : String(error)})`, cause: error });
    });
  return runGeneration(options, sequence);
}

async function* runGeneration(options: GenerationOptions, sequence: LlamaContextSequence): GenerationParts {
  const { runtime, prompt, settings, signal, provider } = options;
  const { model, lib } = runtime;
  let releaseLater: Promise<unknown> | undefined;
  const abortRace = new AbortRace(signal);
  let iterator: AsyncIterator<Token, void, void> | undefined;
  try {
    const cached = await reuseCachedPrefix(sequence, prompt.tokens);
    const generated: Token[] = [];
    const evaluateOptions: SequenceEvaluateOptions = {
      temperature: settings.temperature,
      topP: settings.topP,
      // OpenAI has no top-k; 0 turns llama.cpp's default of 40 off.
      topK: 0,
      yieldEogToken: true,
      ...(settings.seed === undefined ? {} : { seed: settings.seed }),
      ...(settings.frequencyPenalty > 0 || settings.presencePenalty > 0
        ? {
            repeatPenalty: {
              punishTokens: () => generated,
              penalty: 1,
              frequencyPenalty: settings.frequencyPenalty,
              presencePenalty: settings.presencePenalty,
            },
          }
        : {}),
      ...(options.grammar === undefined ? {} : { grammarEvaluationState: new lib.LlamaGrammarEvaluationState({ model, grammar: options.grammar }) }),
    };
    iterator = sequence.evaluate(prompt.tokens.slice(cached), evaluateOptions)[Symbol.asyncIterator]();

    const detokenizer = new IncrementalDetokenizer((tokens, last) => model.detokenize(tokens, false, last), prompt.tokens);
    const grammarStops = (options.grammar?.stopGenerationTriggers ?? []).filter((t): t is string => typeof t === 'string');
    const matcher = new StopSequenceMatcher([...settings.stop, ...prompt.stopTexts, ...grammarStops], {
      trimTrailingWhitespace: options.grammar?.trimWhitespaceSuffix ?? false,
    });
    let finishReason: FinishReason | undefined;

    while (finishReason === undefined) {
      const pending = iterator.next();
      const step = await abortRace.race(pending);
      if (step === ABORTED) {
        // The native step in flight cannot be interrupted; the sequence goes back to the pool once it ends.
        const it = iterator;
        releaseLater = pending.then(
          () => it.return?.(),
          () => undefined,
        );
        iterator = undefined;
        yield { type: 'error', error: abortedError(provider, signal.reason) };
        return;
      }
      if (step.done === true) {
        finishReason = { unified: 'stop', raw: 'end' };
        break;
      }
      const token = step.value;
      generated.push(token);
      if (model.isEogToken(token) || prompt.stopTokens.has(token)) {
        finishReason = { unified: 'stop', raw: 'eos' };
        break;
      }
      const match = matcher.push(detokenizer.push(token));
      if (match.text !== '') yield { type: 'text-delta', text: match.text };
      if (match.stopped) {
        finishReason = { unified: 'stop', raw: 'stop_sequence' };
      } else if (settings.maxTokens !== undefined && generated.length >= settings.maxTokens) {
        finishReason = { unified: 'length', raw: 'max_tokens' };
      } else if (sequence.nextTokenIndex + 1 >= sequence.contextSize) {
        // Stop while the sampled token still fits (with a token to spare), rather than let node-llama-cpp
        // shift the context and silently drop the start of the prompt.
        finishReason = { unified: 'length', raw: 'context_full' };
      }
    }

    if (finishReason.raw !== 'stop_sequence') {
      const rest = matcher.push(detokenizer.flush());
      const text = rest.stopped ? rest.text : rest.text + matcher.flush();
      if (text !== '') yield { type: 'text-delta', text };
      if (rest.stopped) finishReason = { unified: 'stop', raw: 'stop_sequence' };
    }
    const usage: Usage = {
      inputTokens: prompt.tokens.length,
      outputTokens: generated.length,
      ...(cached > 0 ? { cachedInputTokens: cached } : {}),
      estimated: false,
    };
    yield { type: 'finish', finishReason, usage };
  } catch (error) {
    yield {
      type: 'error',
      error:
        error instanceof ProviderError
          ? error
          : new ProviderError({
              provider,
              message: `Embedded model '${provider}': generation failed (${error instanceof Error ? error.message : String(error)})`,
              kind: 'protocol',
              isRetryable: false,
              cause: error,
            }),
    };
  } finally {
    abortRace.dispose();
    // Ending the evaluation (or waiting for the aborted step) must finish before another request gets the sequence.
    const ended = iterator !== undefined ? Promise.resolve(iterator.return?.()) : (releaseLater ?? Promise.resolve());
    void ended.catch(() => undefined).then(() => runtime.pool.release(sequence));
  }
}

/**
 * Drops whatever the sequence holds beyond the prompt's shared prefix and returns how many prompt tokens are
 * already evaluated. At least one prompt token is always re-evaluated: sampling needs its logits.
 */
async function reuseCachedPrefix(sequence: LlamaContextSequence, tokens: readonly Token[]): Promise<number> {
  const cached = Math.min(commonPrefixLength(sequence.contextTokens, tokens), tokens.length - 1);
  if (sequence.nextTokenIndex === cached) return cached;
  try {
    await sequence.eraseContextTokenRanges([{ start: cached, end: sequence.nextTokenIndex }]);
    return cached;
  } catch {
    // Some architectures (recurrent, sliding-window) cannot erase a middle range; start over instead.
    await sequence.clearHistory();
    return 0;
  }
}
