/** The training worker's entry: trains one student per message (train-student.ts), off the gateway's event loop. */
import { constants, setPriority } from 'node:os';
import { parentPort, type TransferListItem } from 'node:worker_threads';
import { encodeArtifact } from './student-artifact.js';
import { trainStudent, type TrainStudentJob, type TrainStudentResult } from './train-student.js';

/** A result, with the encoded artifact of a student to be promoted (encoded here, off the event loop). */
export interface TrainedStudent extends TrainStudentResult {
  bytes: Uint8Array | null;
}

export interface TrainMessage {
  id: number;
  job: TrainStudentJob;
}

export type TrainReply = { id: number; result: TrainedStudent } | { id: number; error: string };

// The lowest CPU priority for this thread only (Linux keeps nice values per thread): on a busy machine the
// gateway's event loop wins the core and training waits, not requests (docs/decisions/task-distillation.md).
try {
  setPriority(constants.priority.PRIORITY_LOW);
} catch {
  // Not permitted or not supported here: training still runs, at normal priority.
}

parentPort?.on('message', (message: TrainMessage) => {
  let reply: TrainReply;
  try {
    const result = trainStudent(message.job);
    reply = { id: message.id, result: { ...result, bytes: result.promote ? encodeArtifact(result.artifact) : null } };
  } catch (error) {
    reply = { id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  const transfer: TransferListItem[] = [];
  if ('result' in reply) {
    // The new model's arrays move to the gateway thread rather than being copied.
    const { params, trust } = reply.result.artifact;
    for (const array of [params.weights, params.centroids, params.buckets, params.bias]) transfer.push(array.buffer as ArrayBuffer);
    if (trust)
      for (const array of [trust.terms, trust.idf, trust.offsets, trust.examples, trust.values, trust.labels]) transfer.push(array.buffer as ArrayBuffer);
    if (reply.result.bytes) transfer.push(reply.result.bytes.buffer as ArrayBuffer);
  }
  parentPort?.postMessage(reply, transfer);
});
