/**
 * Feedback on a task route's request, used at once (docs/lifecycle.md#feedback): a `label` becomes a
 * correction of the request's input in the task examples (it beats the teacher's label), and `correct`
 * on an answer of the serving student counts in its live agreement (TaskStage.judged).
 *
 * The input is read from the logged request body, which on a pseudonymised route is the copy the teacher
 * saw, the same text the capture stored. Without logged bodies there is no input, so no correction.
 */
import type { TaskStage } from '../distill/task-stage.js';
import type { RequestRecord } from '../spec/request-record.js';
import type { FeedbackEntry } from '../store/feedback.js';
import type { TaskExampleStore } from '../store/task-examples.js';
import { requestTurns } from './logged-conversation.js';

export interface TaskFeedbackUse {
  /** The label stored as a correction ('applied'), or why not. Null when the entry has no label or the route no task. */
  labelCorrection: 'applied' | 'no logged body' | 'not a label of the task' | null;
  /** Whether `correct` counted in the serving student's live agreement; null when the entry has no verdict. */
  studentVerdict: 'counted' | 'not the serving student' | null;
}

export async function applyTaskFeedback(o: {
  tasks: TaskStage | null;
  store: TaskExampleStore;
  request: RequestRecord;
  entry: FeedbackEntry;
}): Promise<TaskFeedbackUse> {
  const used: TaskFeedbackUse = { labelCorrection: null, studentVerdict: null };
  const route = o.request.route;
  const spec = route === null ? undefined : o.tasks?.taskSpec(route);
  if (!o.tasks || route === null || spec === undefined) return used;
  if (o.entry.correct !== null && o.request.model !== null) {
    used.studentVerdict = o.tasks.judged(route, o.request.model, o.entry.correct) ? 'counted' : 'not the serving student';
  }
  if (o.entry.label !== null) {
    // Round-trips through the task's answer format: a fixed label set normalises case and refuses others.
    const label = spec.label(spec.answer(o.entry.label));
    const turns = requestTurns(o.request.requestBody);
    const input = turns === null ? '' : spec.input({ messages: turns.map((t) => ({ role: t.role, content: t.content })) });
    if (label === null) used.labelCorrection = 'not a label of the task';
    else if (input === '') used.labelCorrection = 'no logged body';
    else {
      await o.store.correct({ route, input, label, time: o.entry.time });
      used.labelCorrection = 'applied';
    }
  }
  return used;
}
