import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkflowFailedError, type WorkflowExecutionStatusName } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, RetryState, TerminatedFailure, TimeoutFailure, TimeoutType } from '@temporalio/common';
import { closedStatusOfResult, closedWorkflowMessage, closedWorkflowStatus } from '../../temporal/workflow-outcome';

const described = (name: WorkflowExecutionStatusName) => ({ status: { code: 0, name } });
const failed = (cause: Error) => new WorkflowFailedError('Workflow execution failed', cause, RetryState.NON_RETRYABLE_FAILURE);

describe('a workflow outcome as a job row records it', () => {
  it('maps every closed status of a description, and nothing for a chain that goes on', () => {
    const names: WorkflowExecutionStatusName[] = ['COMPLETED', 'FAILED', 'CANCELLED', 'TERMINATED', 'TIMED_OUT'];
    assert.deepEqual(names.map((name) => closedWorkflowStatus(described(name))), ['completed', 'failed', 'cancelled', 'terminated', 'timed_out']);
    for (const name of ['RUNNING', 'PAUSED', 'CONTINUED_AS_NEW', 'UNSPECIFIED', 'UNKNOWN'] as const) {
      assert.equal(closedWorkflowStatus(described(name)), null, name);
    }
  });

  it('tells how a chain ended from what its result threw', () => {
    assert.equal(closedStatusOfResult(undefined), 'completed');
    assert.equal(closedStatusOfResult(failed(new TerminatedFailure('stuck'))), 'terminated');
    assert.equal(closedStatusOfResult(failed(new TimeoutFailure('timed out', undefined, TimeoutType.START_TO_CLOSE))), 'timed_out');
    assert.equal(closedStatusOfResult(failed(new CancelledFailure('Workflow canceled'))), 'cancelled');
    assert.equal(closedStatusOfResult(failed(ApplicationFailure.create({ type: 'AccelaApiError.auth', message: 'refused' }))), 'failed');
  });

  it('records the root cause of a failure and how a stopped workflow was stopped', () => {
    assert.equal(closedWorkflowMessage('completed', undefined), null);
    assert.equal(closedWorkflowMessage('failed', failed(ApplicationFailure.create({ type: 'AccelaApiError.auth', message: 'refused' }))), 'AccelaApiError.auth: refused');
    assert.equal(closedWorkflowMessage('terminated', failed(new TerminatedFailure('operator: stuck county'))), 'workflow terminated: operator: stuck county');
    assert.equal(closedWorkflowMessage('terminated', failed(new TerminatedFailure('Workflow execution terminated'))), 'workflow terminated');
    assert.equal(closedWorkflowMessage('timed_out', undefined), 'workflow timed out');
    assert.equal(closedWorkflowMessage('cancelled', undefined), 'workflow cancelled');
  });
});
