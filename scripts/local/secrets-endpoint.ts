/**
 * A tiny stand-in for AWS Secrets Manager that speaks just enough of its AWS JSON 1.1 protocol for the secrets the
 * functions read at run time (`shared/platform/secrets.ts`): no Secrets Manager emulator is on the npm registry or
 * in Debian, and this keeps the real signed `GetSecretValue` code path under test (as `sns-endpoint.ts` does for
 * SNS).
 *
 * - `POST /` with `X-Amz-Target: secretsmanager.GetSecretValue`, body `{ SecretId, VersionStage? }`: the version with
 *   that staging label (default `AWSCURRENT`) as `{ ARN, Name, VersionId, SecretString, VersionStages, CreatedDate }`;
 *   `ResourceNotFoundException` for an unknown secret or a label no version has (as Secrets Manager answers).
 * - `secretsmanager.PutSecretValue`, body `{ SecretId, SecretString }`: a rotation as Secrets Manager does it by
 *   default: the new version becomes `AWSCURRENT`, the one it replaces `AWSPREVIOUS`, older ones lose their labels.
 * - Anything else: `UnknownOperationException`. Errors are `{ __type, message }` with status 400.
 *
 * Not checked: SigV4 signatures (an `Authorization` header must be present, else `MissingAuthenticationTokenException`),
 * IAM. Secrets live in memory; the stack seeds them at start (the cursor key from its state directory).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface StoredVersion {
  readonly versionId: string;
  readonly value: string;
  /** Epoch seconds. */
  readonly createdAt: number;
  stages: string[];
}

/** What the endpoint holds for one secret. */
export interface LocalSecret {
  /** Its ARN, e.g. `arn:aws:secretsmanager:us-east-1:000000000000:secret:helpdesk-local/cursor-key-AbCdEf`. */
  readonly arn: string;
  readonly name: string;
}

export interface SecretsEndpoint {
  /** Base URL, e.g. `http://127.0.0.1:40123`; the `AWS_ENDPOINT_URL_SECRETS_MANAGER` value. */
  readonly url: string;
  /** How many GetSecretValue calls it has answered (tests count the reads of the cache). */
  readonly reads: number;
  /** Creates a secret with one version (`AWSCURRENT`), unless one of that name exists; returns its ARN. */
  create(name: string, value: string): LocalSecret;
  close(): Promise<void>;
}

const accountId = '000000000000';

function sendError(res: ServerResponse, code: string, message: string): void {
  res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
  res.end(JSON.stringify({ __type: code, message }));
}

function send(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
  res.end(JSON.stringify(body));
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Starts the endpoint on `127.0.0.1` (port 0: any free port; only the in-process handlers call it).
 * @param region the region in the ARNs it makes
 */
export async function startSecretsEndpoint(region: string, port = 0): Promise<SecretsEndpoint> {
  const secrets = new Map<string, { secret: LocalSecret; versions: StoredVersion[] }>();
  let reads = 0;
  const find = (id: unknown) =>
    typeof id === 'string'
      ? [...secrets.values()].find((s) => s.secret.arn === id || s.secret.name === id)
      : undefined;
  const addVersion = (versions: StoredVersion[], value: string): StoredVersion => {
    for (const version of versions) {
      version.stages = version.stages.includes('AWSCURRENT') ? ['AWSPREVIOUS'] : [];
    }
    const version = {
      versionId: randomUUID(),
      value,
      createdAt: Math.floor(Date.now() / 1000),
      stages: ['AWSCURRENT'],
    };
    versions.push(version);
    return version;
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const text = await readText(req);
      if (!req.headers.authorization) {
        sendError(res, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
        return;
      }
      const target = String(req.headers['x-amz-target'] ?? '');
      let input: Record<string, unknown>;
      try {
        input = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        sendError(res, 'SerializationException', 'The request body is not JSON');
        return;
      }
      const stored = find(input.SecretId);
      if (target === 'secretsmanager.GetSecretValue') {
        reads += 1;
        const stage = typeof input.VersionStage === 'string' ? input.VersionStage : 'AWSCURRENT';
        const version = stored?.versions.find((v) => v.stages.includes(stage));
        if (!stored || !version) {
          sendError(
            res,
            'ResourceNotFoundException',
            "Secrets Manager can't find the specified secret value.",
          );
          return;
        }
        send(res, {
          ARN: stored.secret.arn,
          Name: stored.secret.name,
          VersionId: version.versionId,
          SecretString: version.value,
          VersionStages: version.stages,
          CreatedDate: version.createdAt,
        });
      } else if (target === 'secretsmanager.PutSecretValue') {
        if (!stored) {
          sendError(res, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
          return;
        }
        if (typeof input.SecretString !== 'string' || input.SecretString === '') {
          sendError(res, 'InvalidParameterException', 'SecretString is required.');
          return;
        }
        const version = addVersion(stored.versions, input.SecretString);
        send(res, {
          ARN: stored.secret.arn,
          Name: stored.secret.name,
          VersionId: version.versionId,
          VersionStages: version.stages,
        });
      } else {
        sendError(res, 'UnknownOperationException', `Not served locally: ${target || '(no X-Amz-Target)'}`);
      }
    })().catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 'InternalServiceError', String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    get reads() {
      return reads;
    },
    create(name, value) {
      const existing = secrets.get(name);
      if (existing) return existing.secret;
      // Secrets Manager appends a hyphen and six random characters to the name in the ARN.
      const suffix = randomUUID().replace(/-/g, '').slice(0, 6);
      const secret = { name, arn: `arn:aws:secretsmanager:${region}:${accountId}:secret:${name}-${suffix}` };
      const versions: StoredVersion[] = [];
      addVersion(versions, value);
      secrets.set(name, { secret, versions });
      return secret;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
