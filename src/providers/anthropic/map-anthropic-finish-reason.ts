import type { FinishReason } from '../../spec/usage.js';

/**
 * Anthropic's `stop_reason` → unified reason.
 * https://docs.anthropic.com/en/api/handling-stop-reasons
 */
export function mapAnthropicFinishReason(raw: string | null | undefined, options: { jsonTool?: boolean } = {}): FinishReason {
  const word = raw ?? undefined;
  switch (word) {
    case 'end_turn':
    case 'stop_sequence':
    // A turn paused by a long server-side tool run; what came so far is a complete answer to show.
    case 'pause_turn':
      return { unified: 'stop', raw: word };
    case 'max_tokens':
    // The context window filled up before max_tokens (newer models).
    case 'model_context_window_exceeded':
      return { unified: 'length', raw: word };
    case 'tool_use':
      // When the forced JSON tool answered, the model did not call a tool: it gave the JSON answer.
      return { unified: options.jsonTool ? 'stop' : 'tool-calls', raw: word };
    case 'refusal':
      return { unified: 'content-filter', raw: word };
    default:
      return { unified: 'other', raw: word };
  }
}
