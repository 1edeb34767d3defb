/**
 * The local stack: every emulator, the API gateway and the event sources, started and stopped as one. Used by
 * `npm start` (persistent, default ports) and by the integration tests' global setup (ephemeral, free ports),
 * so both run exactly the same thing. See `docs/local-development.md`.
 *
 * | piece                 | how it runs                                     | replaces                         |
 * |-----------------------|-------------------------------------------------|----------------------------------|
 * | DynamoDB Local 1.25   | java child process (`-sharedDb`)                | DynamoDB + Streams               |
 * | cognito-local 5.3     | node child process, cwd = its state dir         | Cognito user pool                |
 * | aws-ses-v2-local 2.10 | node child process, web inbox at `/`            | SES                              |
 * | s3rver 3.7            | in-process                                      | S3 (+ event notifications)       |
 * | sns-endpoint.ts       | in-process                                      | SNS `Publish` to phone numbers   |
 * | gateway.ts            | in-process; handlers imported into this process | API Gateway HTTP API + Lambda    |
 * | stream-poller.ts      | in-process                                      | DynamoDB stream event source     |
 * | s3-events.ts          | in-process                                      | S3 → Lambda notification         |
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import S3rver from 's3rver';
import { eventHandlers, routes } from '#shared/http/routes.ts';
import { IMAGE_KEY_PREFIX } from '#shared/images/object-key.ts';
import { streamFilterPatterns } from '#shared/notify/plan.ts';
import { type Gateway, startGateway } from './gateway.ts';
import { assertDynamoDbLocalInstalled, checkJava } from './install-dynamodb-local.ts';
import { createJwtAuthorizer } from './jwt-authorizer.ts';
import { dynamoDbLocalDir, repoRoot } from './paths.ts';
import {
  freePort,
  httpOk,
  isPortInUse,
  killAllChildrenNow,
  type ServiceProcess,
  startProcess,
  waitUntil,
} from './processes.ts';
import {
  applicationEnvironment,
  applyEnvironment,
  bucketCorsXml,
  cursorSigningKey,
  defaultPorts,
  emulatorUrls,
  ensureTable,
  ensureUserPool,
  type LocalPorts,
  localCredentials,
  localRegion,
  sdkEnvironment,
} from './provision.ts';
import { createS3EventDispatcher, type FailedS3Invocation } from './s3-events.ts';
import { type SnsEndpoint, startSnsEndpoint } from './sns-endpoint.ts';
import { type FailedBatch, type StreamPoller, startStreamPoller } from './stream-poller.ts';

export interface LocalStackOptions {
  /**
   * Keep data here across runs (DynamoDB `-dbPath`, cognito-local's `.cognito/`, s3rver's files, checkpoints).
   * Omit for an ephemeral stack: DynamoDB `-inMemory` and a temporary directory removed by `stop()`.
   */
  readonly stateDir?: string;
  /** Ports; missing ones default to {@link defaultPorts}. `'free'` picks free ports (tests). */
  readonly ports?: Partial<LocalPorts> | 'free';
  /** Only errors are printed (no request lines, no handler batches). */
  readonly quiet?: boolean;
  /** Also print the emulators' own output. */
  readonly verbose?: boolean;
  /** Output sink, default `console.log` / `console.error`. */
  readonly log?: (line: string) => void;
  readonly logError?: (line: string, error?: unknown) => void;
  readonly tableName?: string;
  readonly bucket?: string;
  /**
   * Stop the stack on SIGINT/SIGTERM/SIGHUP (default true). After stopping, `onSignal` runs (default: re-raise
   * the signal when nobody else listens to it). A second signal kills the children at once.
   */
  readonly handleSignals?: boolean;
  readonly onSignal?: (signal: NodeJS.Signals) => void;
}

export interface LocalStack {
  /** The gateway, e.g. `http://localhost:3000` (also `PUBLIC_API_URL`). */
  readonly apiUrl: string;
  /** The SES emulator's web inbox (for people). */
  readonly inboxUrl: string;
  /** The SES emulator's JSON store: `GET <sesStoreUrl>?since=<epoch s>` → `{ emails }`. */
  readonly sesStoreUrl: string;
  /** The SNS endpoint's JSON list: `GET <smsUrl>?since=<epoch s>` → `{ messages }`; its page at `/`. */
  readonly smsUrl: string;
  /** `POST` (or `GET`) here waits until the stream poller and S3 events are idle: `{ drained: true, ... }`. */
  readonly drainUrl: string;
  /** Emulator base URLs (SDK endpoints). */
  readonly urls: { dynamodb: string; cognito: string; s3: string; ses: string; sns: string };
  readonly ports: LocalPorts;
  /** Every environment variable the stack set on `process.env` for the handlers. */
  readonly env: Readonly<Record<string, string>>;
  readonly userPool: { readonly id: string; readonly clientId: string; readonly issuer: string };
  readonly tableName: string;
  readonly bucket: string;
  readonly stateDir: string;
  readonly persistent: boolean;
  /** Waits until stream records and S3 events written so far were delivered (see {@link StreamPoller.drained}). */
  drained(timeoutMs?: number): Promise<void>;
  /** Stream batches and S3 invocations that exhausted their retries. */
  readonly failures: { readonly stream: readonly FailedBatch[]; readonly s3: readonly FailedS3Invocation[] };
  /** Stops everything (idempotent). */
  stop(): Promise<void>;
}

const serviceNames: Record<keyof LocalPorts, string> = {
  api: 'API gateway',
  dynamodb: 'DynamoDB Local',
  cognito: 'cognito-local',
  s3: 's3rver',
  ses: 'SES emulator',
  sns: 'SNS endpoint',
};

async function resolvePorts(ports: LocalStackOptions['ports']): Promise<LocalPorts> {
  if (ports === 'free') {
    const [api, dynamodb, cognito, s3, ses, sns] = await Promise.all(
      Array.from({ length: 6 }, () => freePort()),
    );
    return { api, dynamodb, cognito, s3, ses, sns } as LocalPorts;
  }
  return { ...defaultPorts, ...ports };
}

async function assertPortsFree(ports: LocalPorts): Promise<void> {
  const busy: string[] = [];
  await Promise.all(
    (Object.keys(ports) as (keyof LocalPorts)[]).map(async (name) => {
      if (await isPortInUse(ports[name])) busy.push(`${ports[name]} (${serviceNames[name]})`);
    }),
  );
  if (busy.length > 0) {
    throw new Error(
      `Port(s) already in use: ${busy.join(', ')}. Is another \`npm start\` running? Stop it, or free the port(s).`,
    );
  }
}

/** A lock file so that two stacks never share one state directory. */
function takeLock(stateDir: string): () => void {
  const lockFile = path.join(stateDir, 'stack.pid');
  if (existsSync(lockFile)) {
    const pid = Number(readFileSync(lockFile, 'utf8'));
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = pid !== process.pid;
    } catch {
      alive = false;
    }
    if (alive)
      throw new Error(
        `Another local stack (pid ${pid}) is running with state in ${stateDir}. Stop it first.`,
      );
  }
  writeFileSync(lockFile, String(process.pid));
  return () => rmSync(lockFile, { force: true });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

/**
 * Starts the local stack and provisions it (table, user pool, bucket), sets `process.env` for the in-process
 * handlers and returns once everything answers.
 * @throws JavaMissingError / DynamoDbLocalMissingError with the fix; Error naming a busy port or a service that
 *   did not come up, with its output
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? ((line: string) => console.log(line));
  const logError =
    options.logError ??
    ((line: string, error?: unknown) =>
      error === undefined ? console.error(line) : console.error(line, error));
  const info = options.quiet ? () => undefined : log;
  const childLog = options.verbose ? log : undefined;

  checkJava();
  assertDynamoDbLocalInstalled();
  const ports = await resolvePorts(options.ports);
  await assertPortsFree(ports);

  const persistent = options.stateDir !== undefined;
  const stateDir = options.stateDir ?? mkdtempSync(path.join(os.tmpdir(), 'helpdesk-local-'));
  mkdirSync(stateDir, { recursive: true });
  const lock = persistent ? takeLock(stateDir) : () => undefined;
  // Also when the process exits without stop(): the lock goes, and an ephemeral state directory too.
  const releaseLock = () => {
    lock();
    if (!persistent) rmSync(stateDir, { recursive: true, force: true });
  };
  process.once('exit', releaseLock);
  for (const dir of ['dynamodb', 'cognito', 's3']) mkdirSync(path.join(stateDir, dir), { recursive: true });

  const urls = emulatorUrls(ports);
  // The SDK part of the environment first: it also silences the SDK's Node version notice for our own clients.
  applyEnvironment(sdkEnvironment(ports));
  const tableName = options.tableName ?? 'helpdesk-local';
  const bucket = options.bucket ?? 'helpdesk-images-local';
  const children: ServiceProcess[] = [];
  const closers: (() => Promise<void>)[] = [];
  let stopped = false;

  async function stopAll(): Promise<void> {
    if (stopped) return;
    stopped = true;
    for (const close of closers.reverse()) {
      await close().catch((error: unknown) => logError('local stack: error while stopping', error));
    }
    await Promise.all(children.map((child) => child.stop()));
    releaseLock();
    process.off('exit', releaseLock);
  }

  try {
    // Children first (they take longest), in-process servers while they boot.
    const dynamodb = startProcess({
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
        String(ports.dynamodb),
        ...(persistent ? ['-dbPath', path.join(stateDir, 'dynamodb')] : ['-inMemory']),
      ],
      cwd: stateDir,
      log: childLog,
    });
    children.push(dynamodb);
    const cognito = startProcess({
      name: 'cognito',
      command: path.join(repoRoot, 'node_modules', '.bin', 'cognito-local'),
      args: [],
      cwd: path.join(stateDir, 'cognito'),
      env: { ...process.env, PORT: String(ports.cognito) },
      log: childLog,
    });
    children.push(cognito);
    const ses = startProcess({
      name: 'ses',
      command: process.execPath,
      args: [
        path.join(repoRoot, 'node_modules', 'aws-ses-v2-local', 'dist', 'cli.js'),
        '--host',
        '127.0.0.1',
        '--port',
        String(ports.ses),
      ],
      cwd: stateDir,
      log: childLog,
    });
    children.push(ses);

    const s3 = new S3rver({
      address: '127.0.0.1',
      port: ports.s3,
      silent: !options.verbose,
      directory: path.join(stateDir, 's3'),
      configureBuckets: [{ name: bucket, configs: [bucketCorsXml()] }],
    });
    await s3.run();
    closers.push(() => s3.close());
    const sns: SnsEndpoint = await startSnsEndpoint(ports.sns);
    closers.push(() => sns.close());

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
    closers.push(async () => {
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

    // Provisioning: the counterpart of the data and auth stacks.
    await ensureTable(dynamoClient, tableName);
    const { userPoolId, userPoolClientId } = await ensureUserPool(cognitoClient, stateDir);
    const apiUrl = urls.api;
    const env = {
      ...sdkEnvironment(ports),
      ...applicationEnvironment({
        tableName,
        bucket,
        userPoolId,
        userPoolClientId,
        apiUrl,
        cursorSigningKey: cursorSigningKey(stateDir),
      }),
      ...(process.env.POWERTOOLS_LOG_LEVEL ? {} : { POWERTOOLS_LOG_LEVEL: options.quiet ? 'WARN' : 'INFO' }),
    };
    applyEnvironment(env);

    // Event sources.
    const poller = startStreamPoller({
      tableName,
      handlerEntry: eventHandlers.notifier,
      functionName: 'notifier',
      filters: streamFilterPatterns,
      endpoint: urls.dynamodb,
      region: localRegion,
      credentials: localCredentials,
      checkpointFile: persistent ? path.join(stateDir, 'stream-checkpoints.json') : undefined,
      log: info,
      logError,
    });
    closers.push(() => poller.stop());
    const s3Events = createS3EventDispatcher({
      handlerEntry: eventHandlers.imageUploaded,
      functionName: 'imageUploaded',
      region: localRegion,
      prefix: IMAGE_KEY_PREFIX,
      log: info,
      logError,
    });
    s3.on('event', s3Events.dispatch);
    closers.push(async () => {
      s3.off('event', s3Events.dispatch);
      await s3Events.idle();
    });

    async function drained(timeoutMs = 30_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await s3Events.idle();
        await poller.drained(Math.max(1, deadline - Date.now()));
        if (s3Events.isIdle()) return;
      }
    }

    // The API.
    const issuer = `${urls.cognito}/${userPoolId}`;
    const failures = {
      get stream() {
        return poller.failures;
      },
      get s3() {
        return s3Events.failures;
      },
    };
    const drainEndpoint = async (req: IncomingMessage, res: ServerResponse) => {
      const body = req.method === 'POST' ? await readJson(req).catch(() => ({})) : {};
      const timeoutMs = Number((body as { timeoutMs?: number }).timeoutMs ?? 30_000);
      try {
        await drained(timeoutMs);
        sendJson(res, 200, {
          drained: true,
          failures: { stream: failures.stream.length, s3: failures.s3.length },
        });
      } catch (error) {
        sendJson(res, 504, { drained: false, message: String(error) });
      }
    };
    const gateway: Gateway = await startGateway({
      port: ports.api,
      routes,
      authorize: createJwtAuthorizer({ issuer, audience: userPoolClientId }),
      log: info,
      logError,
      localEndpoints: {
        'POST /_local/drain': drainEndpoint,
        'GET /_local/drain': drainEndpoint,
        'GET /_local/failures': async (_req, res) => sendJson(res, 200, failures),
      },
    });
    closers.push(() => gateway.close());

    const stack: LocalStack = {
      apiUrl,
      inboxUrl: `${urls.ses}/`,
      sesStoreUrl: `${urls.ses}/store`,
      smsUrl: `${urls.sns}/messages`,
      drainUrl: `${apiUrl}/_local/drain`,
      urls: { dynamodb: urls.dynamodb, cognito: urls.cognito, s3: urls.s3, ses: urls.ses, sns: urls.sns },
      ports,
      env,
      userPool: { id: userPoolId, clientId: userPoolClientId, issuer },
      tableName,
      bucket,
      stateDir,
      persistent,
      drained,
      failures,
      stop: stopAll,
    };
    if (options.handleSignals ?? true) {
      const uninstall = installSignalHandlers(stack, log, options.onSignal);
      closers.unshift(async () => uninstall());
    }
    return stack;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function installSignalHandlers(
  stack: LocalStack,
  log: (line: string) => void,
  onSignal: ((signal: NodeJS.Signals) => void) | undefined,
): () => void {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  let stoppingSince = 0;
  const handler = (signal: NodeJS.Signals) => {
    if (stoppingSince > 0) {
      // A terminal Ctrl-C often arrives twice (directly, and relayed by npm/tsx): only a later one forces.
      if (Date.now() - stoppingSince < 1500) return;
      log('Killing the emulators now.');
      killAllChildrenNow();
      process.exit(130);
    }
    stoppingSince = Date.now();
    log(`\n${signal}: stopping the local stack ...`);
    void stack.stop().finally(() => {
      for (const name of signals) process.off(name, handler);
      if (onSignal) onSignal(signal);
      else if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };
  for (const name of signals) process.on(name, handler);
  return () => {
    for (const name of signals) process.off(name, handler);
  };
}
