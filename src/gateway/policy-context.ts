/** Builds the PolicyContext from a request's headers and body: sensitivity, latency budget, token estimate. */
import type { IncomingHttpHeaders } from 'node:http';
import { quickPromptTokens } from '../accounting/estimate-tokens.js';
import type { LatencyStats, PolicyContext } from '../policy/policy.js';
import type { ChatRequest } from '../spec/chat-request.js';
import { GatewayError } from '../spec/errors.js';

export function policyContextFor(request: ChatRequest, headers: IncomingHttpHeaders, latency: LatencyStats): PolicyContext {
  let sensitiveBecause: string | null = null;
  const header = headerValue(headers, 'x-tandem-sensitive');
  if (header !== undefined && isTrue(header)) sensitiveBecause = 'header x-tandem-sensitive';
  else if (isTrue(request.params.metadata?.sensitive)) sensitiveBecause = 'metadata.sensitive';
  let maxLatencyMs: number | undefined;
  const latencyHeader = headerValue(headers, 'x-tandem-max-latency-ms');
  if (latencyHeader !== undefined) {
    maxLatencyMs = Number(latencyHeader);
    if (!Number.isInteger(maxLatencyMs) || maxLatencyMs <= 0) {
      throw new GatewayError({
        status: 400,
        param: 'x-tandem-max-latency-ms',
        message: `Header x-tandem-max-latency-ms must be a positive integer of milliseconds, got "${latencyHeader}".`,
      });
    }
  }
  return { sensitive: sensitiveBecause !== null, sensitiveBecause, promptTokens: quickPromptTokens(request), maxLatencyMs, latency };
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && ['true', '1', 'yes'].includes(value.trim().toLowerCase());
}
