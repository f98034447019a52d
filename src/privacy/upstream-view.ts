/**
 * What one upstream model sees of a request, and how its answer comes back. A cloud model on a
 * `pseudonymise` route gets the placeholder copy and its answer is restored (whole, or part by part while
 * streaming, placeholders split across deltas included); a cloud model on any route with a privacy policy
 * gets the end user's id hashed; local models get the request as it came.
 */
import type { ChatRequest } from '../spec/chat-request.js';
import type { ModelInfo } from '../spec/model-info.js';
import type { ChatResult, StreamPart } from '../spec/stream-part.js';
import type { PrivacyAssessment } from './assess-privacy.js';
import { createRestorer, restore, type PseudonymMapping, type StreamRestorer } from './pseudonymise.js';

export interface UpstreamView {
  request: ChatRequest;
  restoreResult(result: ChatResult): ChatResult;
  restoreStream(parts: AsyncIterable<StreamPart>): AsyncIterable<StreamPart>;
}

const AS_IS: Omit<UpstreamView, 'request'> = {
  restoreResult: (result) => result,
  restoreStream: (parts) => parts,
};

export function upstreamView(options: { privacy: PrivacyAssessment | undefined; model: ModelInfo; request: ChatRequest }): UpstreamView {
  const view = options.privacy?.cloudView;
  if (!view || options.model.locality === 'local') return { request: options.request, ...AS_IS };
  if (view.mapping.size === 0) return { request: view.request, ...AS_IS };
  const { mapping } = view;
  return {
    request: view.request,
    restoreResult: (result) => restoreResult(result, mapping),
    restoreStream: (parts) => restoreStream(parts, mapping),
  };
}

export function restoreResult(result: ChatResult, mapping: PseudonymMapping): ChatResult {
  const extra = result.extra && Object.fromEntries(Object.entries(result.extra).map(([k, v]) => [k, typeof v === 'string' ? restore(v, mapping) : v]));
  return {
    ...result,
    ...(extra ? { extra } : {}),
    text: restore(result.text, mapping),
    toolCalls: result.toolCalls.map((call) => ({
      ...call,
      function: { ...call.function, arguments: restore(call.function.arguments, mapping, { jsonString: true }) },
    })),
  };
}

/**
 * Restores text, reasoning, refusal and tool-argument deltas. Held-back tails are released before the finish part (or at the
 * end of a stream without one), so nothing the model said is lost; empty deltas are dropped.
 */
export async function* restoreStream(parts: AsyncIterable<StreamPart>, mapping: PseudonymMapping): AsyncGenerator<StreamPart> {
  const text = createRestorer(mapping);
  // Reasoning and refusal text are shown to the client too; each stream of deltas gets its own restorer.
  const reasoning = createRestorer(mapping);
  const refusal = createRestorer(mapping);
  // Tool-call arguments are JSON text: a restored value is escaped for the inside of a JSON string.
  const args = new Map<number, StreamRestorer>();
  function* flush(): Generator<StreamPart> {
    const rest = text.flush();
    if (rest) yield { type: 'text-delta', text: rest };
    const thought = reasoning.flush();
    if (thought) yield { type: 'reasoning-delta', text: thought };
    const refused = refusal.flush();
    if (refused) yield { type: 'refusal-delta', text: refused };
    for (const [index, restorer] of args) {
      const held = restorer.flush();
      if (held) yield { type: 'tool-call-delta', index, argumentsDelta: held };
    }
  }
  for await (const part of parts) {
    if (part.type === 'text-delta' || part.type === 'reasoning-delta' || part.type === 'refusal-delta') {
      const restorer = part.type === 'text-delta' ? text : part.type === 'reasoning-delta' ? reasoning : refusal;
      const shown = restorer.push(part.text);
      if (shown) yield { ...part, text: shown };
    } else if (part.type === 'tool-call-delta') {
      let restorer = args.get(part.index);
      if (!restorer) {
        restorer = createRestorer(mapping, { jsonString: true });
        args.set(part.index, restorer);
      }
      const shown = restorer.push(part.argumentsDelta);
      // The first delta of a call carries its id and name: pass it on even with no arguments yet.
      if (shown || part.id !== undefined || part.name !== undefined) yield { ...part, argumentsDelta: shown };
    } else {
      if (part.type === 'finish' || part.type === 'error') yield* flush();
      yield part;
    }
  }
  yield* flush();
}
