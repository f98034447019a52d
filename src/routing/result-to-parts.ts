/** Replays a whole answer as stream parts, for models that cannot stream and for accepted cascade answers. */
import type { ChatResult, StreamPart } from '../spec/stream-part.js';

export function resultToParts(result: ChatResult): StreamPart[] {
  const parts: StreamPart[] = [{ type: 'start', id: result.id, model: result.model }];
  const { reasoning_content: reasoning, refusal } = result.extra ?? {};
  if (typeof reasoning === 'string' && reasoning) parts.push({ type: 'reasoning-delta', text: reasoning });
  if (result.text) parts.push({ type: 'text-delta', text: result.text });
  if (typeof refusal === 'string' && refusal) parts.push({ type: 'refusal-delta', text: refusal });
  result.toolCalls.forEach((call, index) => {
    parts.push({ type: 'tool-call-delta', index, id: call.id, name: call.function.name, argumentsDelta: call.function.arguments });
  });
  const finish: StreamPart = { type: 'finish', finishReason: result.finishReason };
  if (result.usage) finish.usage = result.usage;
  parts.push(finish);
  return parts;
}
