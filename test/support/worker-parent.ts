/**
 * A stand-in for the local stack's process, to show that a function worker dies with its parent: starts a worker
 * for `test/support/queue-handler.ts`, runs one (empty) invocation so the worker process exists, prints
 * `{"workerPid": <pid>}` on stdout and then waits to be killed.
 *
 * Run: `node --import tsx test/support/worker-parent.ts`.
 */
import { createFunctionWorker } from '../../scripts/local/function-worker.ts';

const worker = createFunctionWorker({
  handlerEntry: 'test/support/queue-handler.ts',
  functionName: 'Orphan',
});
await worker.invoke({ Records: [] }, 30_000);
process.stdout.write(`${JSON.stringify({ workerPid: worker.pid })}\n`);
// Keeps this process alive until the test kills it (an idle worker does not).
setInterval(() => {}, 60_000);
