/**
 * The shapes a flow answers in: the pipeline's own (gateway/chat-answer.ts), which it returns as its
 * answer. Named for flows here; they come from chat-answer.ts, not pipeline.ts, so flows/ does not import
 * the pipeline that calls it (no import cycle).
 */
import type { AnswerMeta, AnswerPart, ChatAnswer, ChatCall, StreamedAnswer, WholeAnswer } from '../gateway/chat-answer.js';

/** What a flow needs of the pipeline's ChatCall. */
export type FlowChatCall = Pick<ChatCall, 'caller' | 'signal' | 'encodeForLog'>;
export type FlowMeta = AnswerMeta;
export type FlowAnswerPart = AnswerPart;
export type FlowWholeAnswer = WholeAnswer;
export type FlowStreamedAnswer = StreamedAnswer;
export type FlowAnswer = ChatAnswer;
