/**
 * A persistent local stack in a process of its own, for tests that kill it (`local-stack-kill.test.ts`):
 *
 *   node --import tsx test/support/local-stack-process.ts <state dir>
 *
 * Starts the stack on free ports with its state in `<state dir>` (quiet: only the lock's messages and errors),
 * then prints one line `LOCAL_STACK_READY {"pid":<its pid>,"ports":{...}}`. SIGTERM or SIGINT stops it (exit 0);
 * a failed start exits 1 with the error on stderr.
 */
import { startLocalStack } from '../../scripts/local/stack.ts';

const stateDir = process.argv[2];
if (!stateDir) {
  console.error('usage: local-stack-process.ts <state dir>');
  process.exit(2);
}
try {
  const stack = await startLocalStack({
    stateDir,
    ports: 'free',
    quiet: true,
    onSignal: () => process.exit(0),
  });
  console.log(`LOCAL_STACK_READY ${JSON.stringify({ pid: process.pid, ports: stack.ports })}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
