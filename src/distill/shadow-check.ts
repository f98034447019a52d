/**
 * One shadow check: the teacher answers a request the student already answered, after the client has its
 * answer. The teacher sees the request as the route's privacy policy lets it (ShadowPrivacy): the
 * placeholder copy on a `pseudonymise` route, nothing at all when the request must stay local.
 */
import type { ProviderAdapter } from '../providers/provider-adapter.js';
import type { ChatRequest } from '../spec/chat-request.js';
import type { ModelInfo } from '../spec/model-info.js';
import type { ChatResult } from '../spec/stream-part.js';

/** What the teacher may see of a request: null when it may not see it at all. */
export interface TeacherView {
  request: ChatRequest;
  restore(result: ChatResult): ChatResult;
  /** The privacy-rewritten request when the route pseudonymised; undefined when the teacher sees the original. */
  cloudRequest: ChatRequest | undefined;
}

export type ShadowPrivacy = (route: string, request: ChatRequest, teacher: ModelInfo) => Promise<TeacherView | null>;

export interface ShadowOutcome {
  /** The teacher's answer, restored. */
  text: string;
  cloudRequest: ChatRequest | undefined;
}

export async function runShadowCheck(o: {
  adapter: ProviderAdapter;
  request: ChatRequest;
  privacy: Promise<TeacherView | null> | undefined;
}): Promise<ShadowOutcome | null> {
  const view: TeacherView | null = o.privacy ? await o.privacy : { request: o.request, restore: (r) => r, cloudRequest: undefined };
  if (view === null) return null;
  const teacherRequest: ChatRequest = { ...view.request, stream: false, includeUsage: false };
  const result = await o.adapter.generate(teacherRequest, {
    signal: AbortSignal.timeout(o.adapter.info.timeoutMs),
    requestId: 'shadow-check',
    warn: () => undefined,
    requestStreamUsage: false,
  });
  return { text: view.restore(result).text, cloudRequest: view.cloudRequest };
}
