/**
 * `npm start`: the whole service on this machine, data kept in `.local/state/` across restarts.
 * Installs DynamoDB Local if needed, starts the local stack on the default ports, seeds the demo accounts and
 * prints where everything is. Ctrl-C stops every process. `--verbose` adds the emulators' own output,
 * `--quiet` leaves only errors.
 */
import { type SeededAccount, seedDemoAccounts } from './demo-accounts.ts';
import {
  DynamoDbLocalMissingError,
  installDynamoDbLocal,
  JavaMissingError,
} from './install-dynamodb-local.ts';
import { persistentStateDir } from './paths.ts';
import { type LocalStack, startLocalStack } from './stack.ts';

function banner(stack: LocalStack, accounts: SeededAccount[] | undefined): string {
  const agent = accounts?.find((account) => account.role === 'agent') ?? accounts?.[0];
  const lines = [
    '',
    '  Help desk running locally',
    '',
    `  API            ${stack.apiUrl}          (try ${stack.apiUrl}/health)`,
    `  Mail inbox     ${stack.inboxUrl}      (every email SES would send)`,
    `  SMS log        ${stack.urls.sns}/      (JSON: ${stack.smsUrl})`,
    `  Wait for async ${stack.drainUrl}  (stream, queue + S3 events delivered)`,
    `  Dead letters   ${stack.deadLettersUrl}  (notifications that failed for good; npm run notifications:redrive -- --local)`,
    '',
    `  DynamoDB ${stack.urls.dynamodb}   table ${stack.tableName}`,
    `  Cognito  ${stack.urls.cognito}   pool ${stack.userPool.id}   app client ${stack.userPool.clientId}`,
    `  S3       ${stack.urls.s3}   bucket ${stack.bucket}`,
    `  SQS      ${stack.urls.sqs}   delivery queue and its dead-letter queue (in memory)`,
    `  State    ${stack.stateDir}   (npm run reset wipes it)`,
    '',
  ];
  if (accounts) {
    lines.push(`  Demo accounts (password for all: ${accounts[0]?.password ?? ''})`);
    for (const account of accounts) {
      lines.push(
        `    ${account.role.padEnd(10)} ${account.email.padEnd(24)} user id ${account.userId}` +
          (account.phone ? `   SMS to ${account.phone}` : ''),
      );
    }
    if (agent) {
      lines.push(
        '',
        '  Log in:',
        `    curl -s -X POST ${stack.apiUrl}/auth/login -H 'content-type: application/json' ` +
          `-d '{"email":"${agent.email}","password":"${agent.password}"}'`,
        '  then send the idToken (or accessToken) as: -H "authorization: Bearer <token>"',
      );
    }
  } else {
    lines.push('  Demo accounts: not seeded (see the error above).');
  }
  lines.push('', '  Ctrl-C stops everything.', '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const verbose = process.argv.includes('--verbose');
  const quiet = process.argv.includes('--quiet');
  installDynamoDbLocal(() => undefined);
  const started = performance.now();
  const stack = await startLocalStack({
    stateDir: persistentStateDir,
    verbose,
    quiet,
    onSignal: () => {
      console.log('Local stack stopped.');
      process.exit(0);
    },
  });
  let accounts: SeededAccount[] | undefined;
  try {
    accounts = await seedDemoAccounts();
  } catch (error) {
    console.error('Could not seed the demo accounts:', error);
  }
  console.log(banner(stack, accounts));
  console.log(`  Ready in ${Math.round(performance.now() - started)} ms. Requests:`);
}

main().catch((error: unknown) => {
  if (error instanceof JavaMissingError || error instanceof DynamoDbLocalMissingError)
    console.error(error.message);
  else console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
