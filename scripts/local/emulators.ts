/**
 * The emulators of the local stack: DynamoDB Local, cognito-local (`cognito-local.mjs`) and the SES emulator as child processes,
 * s3rver and the SNS endpoint in-process. `startEmulators` returns once each one answers.
 */
import path from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import S3rver from 's3rver';
import { dynamoDbLocalDir, repoRoot } from './paths.ts';
import { httpOk, type ServiceProcess, startProcess, waitUntil } from './processes.ts';
import {
  bucketCorsXml,
  type emulatorUrls,
  type LocalPorts,
  localCredentials,
  localRegion,
} from './provision.ts';
import { type SnsEndpoint, startSnsEndpoint } from './sns-endpoint.ts';
import type { Teardown } from './teardown.ts';

export interface EmulatorSettings {
  readonly ports: LocalPorts;
  readonly urls: ReturnType<typeof emulatorUrls>;
  /** Holds the emulators' data: `dynamodb/`, `cognito/` (cognito-local's cwd), `s3/`; all created already. */
  readonly stateDir: string;
  /** DynamoDB Local keeps its data in `<stateDir>/dynamodb`; otherwise it runs `-inMemory`. */
  readonly persistent: boolean;
  /** Created by s3rver at start, with the CORS rules of the deployed bucket. */
  readonly bucket: string;
  /** Receives the emulators' own output; without it they are silent. */
  readonly childLog: ((line: string) => void) | undefined;
}

export interface Emulators {
  /** The in-process S3; emits `event` per stored or deleted object. */
  readonly s3: S3rver;
  readonly sns: SnsEndpoint;
  /** SDK clients for provisioning (one attempt per call for DynamoDB); destroyed on stop. */
  readonly dynamo: DynamoDBClient;
  readonly cognito: CognitoIdentityProviderClient;
}

function startDynamoDbLocal(settings: EmulatorSettings): ServiceProcess {
  return startProcess({
    name: 'dynamodb',
    command: 'java',
    args: [
      // C1 only and the serial collector: ~25% faster start-up, plenty for an emulator.
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      `-Djava.library.path=${path.join(dynamoDbLocalDir, 'DynamoDBLocal_lib')}`,
      '-jar',
      path.join(dynamoDbLocalDir, 'DynamoDBLocal.jar'),
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(settings.ports.dynamodb),
      ...(settings.persistent ? ['-dbPath', path.join(settings.stateDir, 'dynamodb')] : ['-inMemory']),
    ],
    cwd: settings.stateDir,
    log: settings.childLog,
  });
}

/**
 * cognito-local through `cognito-local.mjs`: its own server plus the confirmation codes mailed through the SES
 * emulator (straight to it, not through the fault proxy: Cognito's mail is not the service's) and
 * `ResendConfirmationCode`.
 */
function startCognitoLocal(settings: EmulatorSettings): ServiceProcess {
  return startProcess({
    name: 'cognito',
    command: process.execPath,
    args: [path.join(repoRoot, 'scripts', 'local', 'cognito-local.mjs')],
    cwd: path.join(settings.stateDir, 'cognito'),
    env: { ...process.env, PORT: String(settings.ports.cognito), COGNITO_LOCAL_SES_URL: settings.urls.ses },
    log: settings.childLog,
  });
}

function startSesEmulator(settings: EmulatorSettings): ServiceProcess {
  return startProcess({
    name: 'ses',
    command: process.execPath,
    args: [
      path.join(repoRoot, 'node_modules', 'aws-ses-v2-local', 'dist', 'cli.js'),
      '--host',
      '127.0.0.1',
      '--port',
      String(settings.ports.ses),
    ],
    cwd: settings.stateDir,
    log: settings.childLog,
  });
}

/**
 * Starts every emulator, registering each with `teardown` as soon as it runs, and waits until the child processes
 * answer.
 * @throws Error naming a service that did not come up, with its output
 */
export async function startEmulators(settings: EmulatorSettings, teardown: Teardown): Promise<Emulators> {
  const { ports, urls } = settings;
  // Children first (they take longest), in-process servers while they boot.
  const dynamodb = teardown.addChild(startDynamoDbLocal(settings));
  const cognito = teardown.addChild(startCognitoLocal(settings));
  const ses = teardown.addChild(startSesEmulator(settings));

  const s3 = new S3rver({
    address: '127.0.0.1',
    port: ports.s3,
    silent: settings.childLog === undefined,
    directory: path.join(settings.stateDir, 's3'),
    configureBuckets: [{ name: settings.bucket, configs: [bucketCorsXml()] }],
  });
  await s3.run();
  teardown.add(() => s3.close());
  const sns = await startSnsEndpoint(ports.sns);
  teardown.add(() => sns.close());

  const dynamoClient = new DynamoDBClient({
    endpoint: urls.dynamodb,
    region: localRegion,
    credentials: localCredentials,
    maxAttempts: 1,
  });
  const cognitoClient = new CognitoIdentityProviderClient({
    endpoint: urls.cognito,
    region: localRegion,
    credentials: localCredentials,
  });
  teardown.add(async () => {
    dynamoClient.destroy();
    cognitoClient.destroy();
  });

  await Promise.all([
    waitUntil(
      `DynamoDB Local on port ${ports.dynamodb}`,
      async () => {
        await dynamoClient.send(new ListTablesCommand({ Limit: 1 }));
        return true;
      },
      { service: dynamodb },
    ),
    waitUntil(`cognito-local on port ${ports.cognito}`, () => httpOk(`${urls.cognito}/health`), {
      service: cognito,
    }),
    waitUntil(`The SES emulator on port ${ports.ses}`, () => httpOk(`${urls.ses}/health-check`), {
      service: ses,
    }),
  ]);
  return { s3, sns, dynamo: dynamoClient, cognito: cognitoClient };
}
