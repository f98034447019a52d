/**
 * Findings in a system prompt, remembered: an application sends the same system (or developer) prompt with
 * every request, often kilobytes of it, and detection is a pure function of the text and the options, so a
 * prompt seen recently is not read again. Only system and developer turns are kept: they are written by the
 * application, repeat across requests and users, and a user's own turns are not held in memory longer than
 * their request. Bounded by entries and by prompt length (a longer prompt is read every time), least
 * recently used first out. The findings handed out are frozen and shared; callers copy what they keep.
 */
import { detectPii, type DetectPiiOptions, type PiiFinding } from './detect-pii.js';

/** Prompts remembered at most, and the longest remembered: at most ~1 MB of text (UTF-16) held. */
const MAX_ENTRIES = 32;
const MAX_PROMPT_CHARS = 16 * 1024;

const remembered = new Map<string, readonly PiiFinding[]>();

/** Whether a message of this role is read through the cache. */
export function isSystemRole(role: string | undefined): boolean {
  return role === 'system' || role === 'developer';
}

/** detectPii(text, options), from the cache when this prompt was read with these options recently. */
export function systemPromptFindings(text: string, options: Pick<DetectPiiOptions, 'minConfidence' | 'types'>): readonly PiiFinding[] {
  if (text.length > MAX_PROMPT_CHARS) return detectPii(text, options);
  const key = `${options.minConfidence ?? ''}\u0000${options.types?.join(',') ?? '*'}\u0000${text}`;
  const hit = remembered.get(key);
  if (hit !== undefined) {
    // Most recently used last, so the first key is the one to drop.
    remembered.delete(key);
    remembered.set(key, hit);
    return hit;
  }
  const found = Object.freeze(detectPii(text, options).map((f) => Object.freeze({ ...f })));
  remembered.set(key, found);
  if (remembered.size > MAX_ENTRIES) {
    const oldest = remembered.keys().next();
    if (oldest.done !== true) remembered.delete(oldest.value);
  }
  return found;
}

/** How many prompts are remembered (tests). */
export function rememberedPromptCount(): number {
  return remembered.size;
}
