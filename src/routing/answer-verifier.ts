import type { ChatRequest } from '../spec/chat-request.js';

/** Scores a small model's answer for the cascade: the probability it is good enough, in [0,1]. */
export interface AnswerVerifier {
  score(input: { request: ChatRequest; answer: string }): number;
}
