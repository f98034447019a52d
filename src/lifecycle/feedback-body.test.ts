import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError } from '../spec/errors.js';
import { parseFeedbackBody, parseFeedbackHeaders } from './feedback-body.js';

const ID = '0190a0a0-0000-7000-8000-000000000000';

function fails(fn: () => unknown, param: string, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof GatewayError);
    assert.equal(e.status, 400);
    assert.equal(e.param, param);
    assert.match(e.message, message);
    return true;
  });
}

test('the body: one of score, label, correct; nulls read as absent; comment kept', () => {
  assert.deepEqual(parseFeedbackBody({ request_id: ID, score: 0, comment: 'meh' }), { requestId: ID, score: 0, label: null, correct: null, comment: 'meh' });
  assert.deepEqual(parseFeedbackBody({ request_id: ID, correct: false, label: '  refund ', score: null }), {
    requestId: ID,
    score: null,
    label: 'refund',
    correct: false,
    comment: null,
  });
  fails(() => parseFeedbackBody({ request_id: ID, score: null, comment: 'x' }), 'score', /at least one of/);
  fails(() => parseFeedbackBody({ request_id: ID, score: -0.1 }), 'score', /score/);
  fails(() => parseFeedbackBody({ request_id: ID, label: 'x'.repeat(201) }), 'label', /label/);
  fails(() => parseFeedbackBody({ request_id: 'x'.repeat(129), score: 1 }), 'request_id', /request_id/);
  assert.throws(
    () => parseFeedbackBody('score=1'),
    (e: unknown) => e instanceof GatewayError && e.status === 400 && /JSON object/.test(e.message),
  );
});

test('the header form: pairs split by ; or , with percent-decoded values', () => {
  assert.equal(parseFeedbackHeaders({}), null);
  assert.deepEqual(
    parseFeedbackHeaders({ 'x-tandem-feedback': 'score=0.5, correct=false; label=caf%C3%A9;comment=a%2Cb', 'x-tandem-feedback-request-id': ` ${ID} ` }),
    { requestId: ID, score: 0.5, label: 'café', correct: false, comment: 'a,b' },
  );
  fails(() => parseFeedbackHeaders({ 'x-tandem-feedback-request-id': ID }), 'x-tandem-feedback', /came without x-tandem-feedback/);
  fails(() => parseFeedbackHeaders({ 'x-tandem-feedback': 'score=1' }), 'x-tandem-feedback-request-id', /needs x-tandem-feedback-request-id/);
  fails(() => parseFeedbackHeaders({ 'x-tandem-feedback': 'great', 'x-tandem-feedback-request-id': ID }), 'x-tandem-feedback', /not name=value/);
  fails(() => parseFeedbackHeaders({ 'x-tandem-feedback': 'score=1;score=0', 'x-tandem-feedback-request-id': ID }), 'x-tandem-feedback', /given twice/);
  fails(() => parseFeedbackHeaders({ 'x-tandem-feedback': 'correct=yes', 'x-tandem-feedback-request-id': ID }), 'x-tandem-feedback', /correct/);
  fails(() => parseFeedbackHeaders({ 'x-tandem-feedback': 'stars=5', 'x-tandem-feedback-request-id': ID }), 'x-tandem-feedback', /stars/);
  fails(() => parseFeedbackHeaders({ 'x-tandem-feedback': 'label=%E0%A4', 'x-tandem-feedback-request-id': ID }), 'x-tandem-feedback', /percent-encoding/);
  fails(() => parseFeedbackHeaders({ 'x-tandem-feedback': 'comment=hi', 'x-tandem-feedback-request-id': ID }), 'x-tandem-feedback', /at least one of/);
});
