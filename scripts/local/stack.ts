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
 * | secrets-endpoint.ts   | in-process, any free port                       | Secrets Manager (the cursor key) |
 * | fauxqs 1.9 (sqs.ts)   | in-process                                      | SQS (delivery queues)            |
 * | fault-proxy.ts        | in-process, in front of SES and SNS             | (fault injection for tests)      |
 * | gateway.ts            | in-process; handlers imported into this process | API Gateway HTTP API + Lambda    |
 * | stream-poller.ts      | in-process                                      | DynamoDB stream event source     |
 * | s3-events.ts          | in-process                                      | S3 → Lambda notification         |
 * | queue-poller.ts       | in-process; the sender in a worker if isolated  | SQS event source                 |
 *
 * `emulators.ts` starts the emulators, `event-sources.ts` lists the event sources (the last two rows), and
 * `teardown.ts` stops whatever was started, in reverse.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { notFoundFallback } from '#shared/platform/routes.ts';
import { routes } from '#shared/routes.ts';
import {
  defaultDeliverySettings,
  deliveryEndpoints,
  type LocalDeliveries,
  type LocalDeliverySettings,
  startLocalDeliveries,
} from './deliveries.ts';
import { type EmulatorSettings, type Emulators, startEmulators } from './emulators.ts';
import {
  type EventSourceContext,
  type LocalEventSourceFailures,
  localEventSources,
  type RunningEventSources,
  startEventSources,
} from './event-sources.ts';
import { startGateway } from './gateway.ts';
import { readJson, sendJson } from './http-json.ts';
import { assertDynamoDbLocalInstalled, checkJava } from './install-dynamodb-local.ts';
import { createJwtAuthorizer } from './jwt-authorizer.ts';
import { freePort, isPortInUse, killAllChildrenNow } from './processes.ts';
import {
  applicationEnvironment,
  applyEnvironment,
  cursorSigningKey,
  defaultPorts,
  emulatorUrls,
  ensureDocsScript,
  ensureTable,
  ensureUserPool,
  type LocalPorts,
  localCredentials,
  localDocsBucket,
  localRegion,
  sdkEnvironment,
} from './provision.ts';
import { startSecretsEndpoint } from './secrets-endpoint.ts';
import { takeStateLock } from './state-lock.ts';
import { createTeardown, type Teardown } from './teardown.ts';

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
  /** The delivery queue's settings (retry schedule, timeouts, isolated sender); default: the deployed ones. */
  readonly deliveries?: Partial<LocalDeliverySettings>;
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
  /**
   * `POST` (or `GET`, optional body `{ timeoutMs }`) here waits until every event source is idle:
   * `{ drained: true, failures: { stream: <count>, s3: <count> } }`, or 504 `{ drained: false, message }`.
   */
  readonly drainUrl: string;
  /** Emulator base URLs (SDK endpoints; SES and SNS are reached through fault proxies, `env` has those). */
  readonly urls: { dynamodb: string; cognito: string; s3: string; ses: string; sns: string; sqs: string };
  /** `GET`: what the delivery dead-letter queue holds. */
  readonly deadLettersUrl: string;
  readonly ports: LocalPorts;
  /** Every environment variable the stack set on `process.env` for the handlers. */
  readonly env: Readonly<Record<string, string>>;
  readonly userPool: UserPool;
  readonly tableName: string;
  readonly bucket: string;
  readonly stateDir: string;
  readonly persistent: boolean;
  /**
   * Waits until the events raised so far (stream records, S3 objects, and what their functions raised in turn)
   * were delivered or given up on (see {@link RunningEventSources.drained}).
   * @throws Error after `timeoutMs` (default 30 s)
   */
  drained(timeoutMs?: number): Promise<void>;
  /** Per event source, what exhausted its retries: `stream` (stream batches) and `s3` (S3 invocations). */
  readonly failures: LocalEventSourceFailures;
  /** Stops everything (idempotent). */
  stop(): Promise<void>;
}

export interface UserPool {
  readonly id: string;
  readonly clientId: string;
  /** Expected `iss` of its tokens: `<cognito-local URL>/<id>`. */
  readonly issuer: string;
}

const serviceNames: Record<keyof LocalPorts, string> = {
  api: 'API gateway',
  dynamodb: 'DynamoDB Local',
  cognito: 'cognito-local',
  s3: 's3rver',
  ses: 'SES emulator',
  sns: 'SNS endpoint',
  sqs: 'SQS emulator',
};

async function resolvePorts(ports: LocalStackOptions['ports']): Promise<LocalPorts> {
  if (ports === 'free') {
    const [api, dynamodb, cognito, s3, ses, sns, sqs] = await Promise.all(
      Array.from({ length: 7 }, () => freePort()),
    );
    return { api, dynamodb, cognito, s3, ses, sns, sqs } as LocalPorts;
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

/** The options resolved: where the stack runs and writes, with the teardown that undoes it. */
interface StackSetup extends EmulatorSettings {
  readonly tableName: string;
  readonly quiet: boolean;
  readonly log: (line: string) => void;
  readonly logError: (line: string, error?: unknown) => void;
  /** `log`, or nothing when `quiet`: request lines, handler batches. */
  readonly info: (line: string) => void;
  /** Stops what the later steps register, then releases the state directory. */
  readonly teardown: Teardown;
}

/**
 * Checks Java and DynamoDB Local, creates and locks the state directory (a stale lock goes, with what its stack
 * left running), resolves the ports (all free), and points the SDK at the emulators.
 * @throws JavaMissingError / DynamoDbLocalMissingError with the fix; Error naming a busy port or the process
 *   holding the state directory
 */
async function prepareState(options: LocalStackOptions): Promise<StackSetup> {
  const log = options.log ?? ((line: string) => console.log(line));
  const logError =
    options.logError ??
    ((line: string, error?: unknown) =>
      error === undefined ? console.error(line) : console.error(line, error));

  checkJava();
  assertDynamoDbLocalInstalled();

  const persistent = options.stateDir !== undefined;
  const stateDir = options.stateDir ?? mkdtempSync(path.join(os.tmpdir(), 'helpdesk-local-'));
  mkdirSync(stateDir, { recursive: true });
  // The lock before the port check: taking it stops what a stack killed with SIGKILL left running on its ports.
  const lock = persistent ? await takeStateLock(stateDir, log) : () => undefined;
  // Also when the process exits without stop(): the lock goes, and an ephemeral state directory too.
  const releaseLock = () => {
    lock();
    if (!persistent) rmSync(stateDir, { recursive: true, force: true });
  };
  process.once('exit', releaseLock);
  let ports: LocalPorts;
  try {
    ports = await resolvePorts(options.ports);
    await assertPortsFree(ports);
  } catch (error) {
    process.off('exit', releaseLock);
    releaseLock();
    throw error;
  }
  for (const dir of ['dynamodb', 'cognito', 's3']) mkdirSync(path.join(stateDir, dir), { recursive: true });

  // The SDK part of the environment first: it also silences the SDK's Node version notice for our own clients.
  applyEnvironment(sdkEnvironment(ports));
  return {
    ports,
    urls: emulatorUrls(ports),
    stateDir,
    persistent,
    tableName: options.tableName ?? 'helpdesk-local',
    bucket: options.bucket ?? 'helpdesk-images-local',
    quiet: options.quiet ?? false,
    log,
    logError,
    info: options.quiet ? () => undefined : log,
    childLog: options.verbose ? log : undefined,
    teardown: createTeardown({
      logError,
      release: () => {
        releaseLock();
        process.off('exit', releaseLock);
      },
    }),
  };
}

interface Provisioned {
  readonly userPool: UserPool;
  /** Every variable set on `process.env` for the handlers. */
  readonly env: Record<string, string>;
}

/**
 * The counterpart of the data and auth stacks and of the api stack's docs assets: the table, the user pool, the
 * docs bucket with the reference page's script, and the handlers' environment.
 */
async function provisionResources(
  setup: StackSetup,
  emulators: Emulators,
  deliveries: LocalDeliveries,
): Promise<Provisioned> {
  const [, { userPoolId, userPoolClientId }, docs] = await Promise.all([
    ensureTable(emulators.dynamo, setup.tableName),
    ensureUserPool(emulators.cognito, setup.stateDir),
    ensureDocsScript(setup.urls.s3, localDocsBucket),
  ]);
  // The secrets the handlers read at run time (shared/platform/secrets.ts), on an in-process endpoint.
  const secrets = await startSecretsEndpoint(localRegion);
  setup.teardown.add(() => secrets.close());
  const cursorSecret = secrets.create('helpdesk-local/cursor-key', cursorSigningKey(setup.stateDir));
  const env = {
    ...sdkEnvironment(setup.ports),
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
    ...applicationEnvironment({
      tableName: setup.tableName,
      bucket: setup.bucket,
      userPoolId,
      userPoolClientId,
      apiUrl: setup.urls.api,
      cursorSecretArn: cursorSecret.arn,
      docsBucket: localDocsBucket,
      docsScriptKey: docs.key,
    }),
    ...deliveries.env,
    ...(process.env.POWERTOOLS_LOG_LEVEL ? {} : { POWERTOOLS_LOG_LEVEL: setup.quiet ? 'WARN' : 'INFO' }),
  };
  applyEnvironment(env);
  const issuer = `${setup.urls.cognito}/${userPoolId}`;
  return { userPool: { id: userPoolId, clientId: userPoolClientId, issuer }, env };
}

function eventSourceContext(
  setup: StackSetup,
  emulators: Emulators,
  deliveries: LocalDeliveries,
): EventSourceContext {
  return {
    deliveries,
    tableName: setup.tableName,
    bucket: setup.bucket,
    urls: setup.urls,
    region: localRegion,
    credentials: localCredentials,
    checkpointDir: setup.persistent ? setup.stateDir : null,
    s3: emulators.s3,
    log: setup.info,
    logError: setup.logError,
    quiet: setup.quiet,
  };
}

/**
 * The gateway on the API port: every route, the user pool's JWT authorizer, and the local endpoints
 * `/_local/drain` (waits for the event sources) and `/_local/failures` (their failure lists).
 */
async function startApi(
  setup: StackSetup,
  userPool: UserPool,
  sources: RunningEventSources<LocalEventSourceFailures>,
  deliveries: LocalDeliveries,
): Promise<void> {
  const drainEndpoint = async (req: IncomingMessage, res: ServerResponse) => {
    const body = req.method === 'POST' ? await readJson(req).catch(() => ({})) : {};
    const timeoutMs = Number((body as { timeoutMs?: number }).timeoutMs ?? 30_000);
    try {
      await sources.drained(timeoutMs);
      const counts = Object.entries(sources.failures).map(([key, failures]) => [key, failures.length]);
      sendJson(res, 200, { drained: true, failures: Object.fromEntries(counts) });
    } catch (error) {
      sendJson(res, 504, { drained: false, message: String(error) });
    }
  };
  const gateway = await startGateway({
    port: setup.ports.api,
    routes,
    authorize: createJwtAuthorizer({ issuer: userPool.issuer, audience: userPool.clientId }),
    log: setup.info,
    logError: setup.logError,
    fallback: notFoundFallback,
    localEndpoints: {
      'POST /_local/drain': drainEndpoint,
      'GET /_local/drain': drainEndpoint,
      'GET /_local/failures': async (_req, res) => sendJson(res, 200, sources.failures),
      ...deliveryEndpoints(deliveries),
    },
  });
  setup.teardown.add(() => gateway.close());
}

/**
 * Starts the local stack and provisions it (table, user pool, bucket), sets `process.env` for the in-process
 * handlers and returns once everything answers. On an error, whatever had started is stopped again.
 * @throws JavaMissingError / DynamoDbLocalMissingError with the fix; Error naming a busy port or a service that
 *   did not come up, with its output
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const setup = await prepareState(options);
  const { urls, teardown } = setup;
  try {
    const emulators = await startEmulators(setup, teardown);
    const deliveries = await startLocalDeliveries({
      sqsPort: setup.ports.sqs,
      sesUrl: urls.ses,
      snsUrl: urls.sns,
      settings: { ...defaultDeliverySettings, ...options.deliveries },
      log: setup.info,
      teardown,
    });
    const { userPool, env } = await provisionResources(setup, emulators, deliveries);
    const sources = startEventSources(
      localEventSources,
      eventSourceContext(setup, emulators, deliveries),
      teardown,
    );
    await startApi(setup, userPool, sources, deliveries);

    const stack: LocalStack = {
      apiUrl: urls.api,
      inboxUrl: `${urls.ses}/`,
      sesStoreUrl: `${urls.ses}/store`,
      smsUrl: `${urls.sns}/messages`,
      drainUrl: `${urls.api}/_local/drain`,
      deadLettersUrl: `${urls.api}/_local/dead-letters`,
      urls: {
        dynamodb: urls.dynamodb,
        cognito: urls.cognito,
        s3: urls.s3,
        ses: urls.ses,
        sns: urls.sns,
        sqs: deliveries.sqsUrl,
      },
      ports: setup.ports,
      env,
      userPool,
      tableName: setup.tableName,
      bucket: setup.bucket,
      stateDir: setup.stateDir,
      persistent: setup.persistent,
      drained: sources.drained,
      failures: sources.failures,
      stop: () => teardown.stop(),
    };
    if (options.handleSignals ?? true) {
      const uninstall = installSignalHandlers(stack, setup.log, options.onSignal);
      teardown.addLast(async () => uninstall());
    }
    return stack;
  } catch (error) {
    await teardown.stop();
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
