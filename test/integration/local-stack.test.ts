/**
 * Smoke test of the local stack itself (scripts/local): the gateway answers and routes like an HTTP API, its JWT
 * authorizer rejects what API Gateway rejects before any function runs, the SNS endpoint speaks enough SNS for
 * the real SDK client, and the event shapes handed to functions are Lambda's.
 */
import { createSign } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { describe, expect, inject, it } from 'vitest';
import { countedStateKey } from '#shared/dashboard/counters.entity.ts';
import { documentClient } from '#shared/platform/aws-clients.ts';
import { routes } from '#shared/routes.ts';
import { buildEvent, createRouter, parseQueryString, toHttpReply } from '../../scripts/local/gateway.ts';
import { renderClaim } from '../../scripts/local/jwt-authorizer.ts';
import { encodeS3EventKey } from '../../scripts/local/s3-events.ts';
import { toLambdaRecord } from '../../scripts/local/stream-poller.ts';
import { api, apiAs, call } from './support.ts';

const env = inject('env');
const clientId = inject('userPoolClientId');
const issuer = inject('issuer');
const admin = inject('demoAccounts').admin;
const credentials = {
  accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
  secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
};

/** cognito-local signs every token with the private key it ships; so can the tests. */
const cognitoLocalKey = createRequire(import.meta.url)(
  'cognito-local/lib/keys/cognitoLocal.private.json',
) as {
  pem: string;
};

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function signToken(claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const unsigned = `${base64url({ alg: 'RS256', typ: 'JWT', kid: 'CognitoLocal', ...header })}.${base64url(claims)}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(cognitoLocalKey.pem, 'base64url');
  return `${unsigned}.${signature}`;
}

const now = () => Math.floor(Date.now() / 1000);

/** Claims of a valid local ID token for the demo admin. */
const idTokenClaims = () => ({
  sub: admin.userId,
  'cognito:groups': ['admin'],
  email: admin.email,
  token_use: 'id',
  iss: issuer,
  aud: clientId,
  iat: now() - 10,
  exp: now() + 600,
});

/** `GET path` with a bearer token, untyped (the tokens are forged on purpose); the response is checked. */
const get = (path: string, token?: string) => call(path, { token });

describe('local API gateway', () => {
  it('serves GET /health', async () => {
    const { data, response } = await api.GET('/health');
    expect(response.status).toBe(200);
    expect(data?.status).toBe('ok');
    expect(response.headers.get('apigw-requestid')).toBeTruthy();
  });

  it('sends unknown routes and other methods to the $default route: 404 problem+json naming them', async () => {
    const unknown = await get('/nope');
    expect([unknown.status, unknown.headers.get('content-type')]).toEqual([404, 'application/problem+json']);
    expect(unknown.body).toMatchObject({
      type: '/problems/not-found',
      detail: expect.stringContaining('GET /nope'),
    });
    const otherMethod = await call('/health', { method: 'DELETE' });
    expect(otherMethod.status).toBe(404);
    expect(otherMethod.body).toMatchObject({ detail: expect.stringContaining('DELETE /health') });
  });

  it('answers CORS preflights', async () => {
    const response = await call('/tickets', {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  it('waits for the event sources through the drain endpoint', async () => {
    const response = await fetch(inject('drainUrl'), { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ drained: true });
  });

  it('is not drained while stream records behind a page that no filter takes wait', async () => {
    Object.assign(process.env, env);
    const table = inject('tableName');
    // More records than one GetRecords page that neither stream consumer's filter takes, then a ticket.
    const fillers = Array.from({ length: 1_200 }, (_, i) => ({
      pk: `FILLER#${ulid()}`,
      sk: 'FILLER',
      entityType: 'filler',
      n: i,
    }));
    for (let start = 0; start < fillers.length; start += 25) {
      await documentClient().send(
        new BatchWriteCommand({
          RequestItems: {
            [table]: fillers.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })),
          },
        }),
      );
    }
    const ticketId = ulid();
    await documentClient().send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: `TICKET#${ticketId}`,
          sk: 'TICKET',
          entityType: 'ticket',
          ticketId,
          requesterId: `filler-${ticketId}`,
          status: 'open',
          priority: 'low',
          type: 'question',
          version: 1,
        },
      }),
    );
    const response = await fetch(inject('drainUrl'), { method: 'POST' });
    expect(await response.json()).toMatchObject({ drained: true });
    // Drained means delivered: the table-maintenance consumer has counted the ticket.
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: table, Key: countedStateKey('TICKET', ticketId), ConsistentRead: true }),
    );
    expect(Item).toMatchObject({ version: 1 });

    await documentClient().send(
      new DeleteCommand({ TableName: table, Key: { pk: `TICKET#${ticketId}`, sk: 'TICKET' } }),
    );
    for (let start = 0; start < fillers.length; start += 25) {
      await documentClient().send(
        new BatchWriteCommand({
          RequestItems: {
            [table]: fillers
              .slice(start, start + 25)
              .map(({ pk, sk }) => ({ DeleteRequest: { Key: { pk, sk } } })),
          },
        }),
      );
    }
  });
});

describe('JWT authorizer', () => {
  const unauthorized = '{"message":"Unauthorized"}';

  it('rejects a request without a token before the function runs', async () => {
    const response = await get('/me');
    expect(response.status).toBe(401);
    expect(response.text).toBe(unauthorized);
  });

  it('accepts a token from cognito-local and rejects the same token tampered with', async () => {
    const cognito = new CognitoIdentityProviderClient({
      endpoint: inject('cognitoUrl'),
      region: inject('region'),
      credentials,
    });
    const login = await cognito.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: admin.email, PASSWORD: admin.password },
      }),
    );
    const accessToken = login.AuthenticationResult?.AccessToken ?? '';
    const idToken = login.AuthenticationResult?.IdToken ?? '';
    expect((await apiAs(accessToken).GET('/me')).response.status).toBe(200);
    // The authorizer lets the ID token through, as API Gateway's does; the service refuses it (an access token only).
    const byIdToken = await get('/me', idToken);
    expect(byIdToken.status).toBe(401);
    expect(byIdToken.headers.get('content-type')).toBe('application/problem+json');

    const [header, payload, signature] = idToken.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
    const tampered = `${header}.${base64url({ ...claims, 'cognito:groups': ['admin', 'agent'] })}.${signature}`;
    const response = await get('/me', tampered);
    expect(response.status).toBe(401);
    expect(response.text).toBe(unauthorized);
  });

  it('passes the claims as HTTP API does (groups as "[admin]")', async () => {
    const { aud: _aud, ...claims } = idTokenClaims();
    const response = await get('/me', signToken({ ...claims, token_use: 'access', client_id: clientId }));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toMatchObject({ userId: admin.userId, role: 'admin' });
  });

  it('accepts access tokens by client_id', async () => {
    const { aud: _aud, ...claims } = idTokenClaims();
    expect(
      (await get('/me', signToken({ ...claims, token_use: 'access', client_id: clientId }))).status,
    ).toBe(200);
    expect((await get('/me', signToken({ ...claims, token_use: 'access', client_id: 'other' }))).status).toBe(
      401,
    );
  });

  it.each([
    ['expired', { exp: now() - 60 }],
    ['not yet valid', { nbf: now() + 600 }],
    ['of another issuer', { iss: 'http://localhost:1/local_other' }],
    ['for another audience', { aud: 'another-client' }],
    ['without exp', { exp: undefined }],
  ])('rejects a token %s', async (_case, override) => {
    const response = await get('/me', signToken({ ...idTokenClaims(), ...override }));
    expect(response.status).toBe(401);
    expect(response.text).toBe(unauthorized);
  });

  it('rejects an unsigned token', async () => {
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(idTokenClaims())}.`;
    expect((await get('/me', unsigned)).status).toBe(401);
  });
});

describe('local SNS endpoint', () => {
  const sns = () =>
    new SNSClient({ endpoint: inject('snsUrl'), region: inject('region'), credentials, maxAttempts: 1 });

  it('records an SMS published with @aws-sdk/client-sns', async () => {
    const sent = await sns().send(
      new PublishCommand({
        PhoneNumber: '+15555550199',
        Message: 'Smoke test SMS',
        MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
      }),
    );
    expect(sent.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    const log = (await (await fetch(inject('smsUrl'))).json()) as { messages: Record<string, unknown>[] };
    expect(log.messages).toContainEqual(
      expect.objectContaining({
        messageId: sent.MessageId,
        phoneNumber: '+15555550199',
        message: 'Smoke test SMS',
        messageAttributes: { 'AWS.SNS.SMS.SMSType': 'Transactional' },
      }),
    );
  });

  it('rejects numbers that are not E.164 and topic publishes, as SNS errors', async () => {
    await expect(
      sns().send(new PublishCommand({ PhoneNumber: '555-0100', Message: 'x' })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(
      sns().send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:none', Message: 'x' })),
    ).rejects.toMatchObject({ name: 'NotFoundException' });
  });
});

describe('event shapes', () => {
  const route = createRouter(routes);

  it('routes exact paths before path parameters', () => {
    expect(route('GET', '/tickets')?.route.id).toBe('ListTickets');
    expect(route('GET', '/tickets/01ABC')).toMatchObject({
      route: { id: 'GetTicket' },
      pathParameters: { ticketId: '01ABC' },
    });
    expect(route('POST', '/tickets/01ABC/comments')?.route.id).toBe('CreateComment');
    expect(route('GET', '/tickets/')).toBeUndefined();
    expect(route('DELETE', '/tickets')).toBeUndefined();
  });

  it('builds payload format 2.0 events', () => {
    const matched = route('POST', '/tickets/01ABC/comments');
    if (!matched) throw new Error('no route');
    const event = buildEvent(
      {
        method: 'POST',
        rawPath: '/tickets/01ABC/comments',
        rawQueryString: 'tag=a&tag=b&q=x%20y',
        headers: {
          'content-type': ['application/x-www-form-urlencoded'],
          cookie: ['a=1; b=2'],
          'x-custom': ['1', '2'],
        },
        body: Buffer.from('body=hello'),
        sourceIp: '127.0.0.1',
        protocol: 'HTTP/1.1',
        localPort: 3000,
      },
      matched.route,
      matched.pathParameters,
      'req-1',
    );
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /tickets/{ticketId}/comments',
      rawPath: '/tickets/01ABC/comments',
      rawQueryString: 'tag=a&tag=b&q=x%20y',
      queryStringParameters: { tag: 'a,b', q: 'x y' },
      pathParameters: { ticketId: '01ABC' },
      cookies: ['a=1', 'b=2'],
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-custom': '1,2' },
      body: Buffer.from('body=hello').toString('base64'),
      isBase64Encoded: true,
      requestContext: {
        http: { method: 'POST', path: '/tickets/01ABC/comments', sourceIp: '127.0.0.1' },
        requestId: 'req-1',
        stage: '$default',
      },
    });
    expect(event.headers.cookie).toBeUndefined();
    expect(parseQueryString('')).toBeUndefined();
  });

  it('renders claims and replies as HTTP API does', () => {
    expect(renderClaim(['admin', 'agent'])).toBe('[admin agent]');
    expect(renderClaim(1_700_000_000)).toBe('1700000000');
    expect(renderClaim(true)).toBe('true');
    expect(toHttpReply({ hello: 'world' })).toMatchObject({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
    });
    const binary = toHttpReply({
      statusCode: 201,
      body: Buffer.from([1, 2]).toString('base64'),
      isBase64Encoded: true,
    });
    expect([...binary.body]).toEqual([1, 2]);
  });

  it('shapes stream records and S3 keys like Lambda events', () => {
    const record = toLambdaRecord(
      {
        eventID: 'e1',
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'ddblocal',
        dynamodb: {
          ApproximateCreationDateTime: new Date('2026-01-01T00:00:00Z'),
          Keys: { pk: { S: 'a' } },
          NewImage: { pk: { S: 'a' }, bytes: { B: new Uint8Array([1, 2, 3]) }, list: { L: [{ N: '1' }] } },
          SequenceNumber: '100',
          SizeBytes: 12,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
      },
      'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/x',
      'us-east-1',
    );
    expect(record).toEqual({
      eventID: 'e1',
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: 1_767_225_600,
        Keys: { pk: { S: 'a' } },
        NewImage: { pk: { S: 'a' }, bytes: { B: 'AQID' }, list: { L: [{ N: '1' }] } },
        SequenceNumber: '100',
        SizeBytes: 12,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/x',
    });
    expect(encodeS3EventKey('tickets/a b/ü(1).png')).toBe('tickets/a+b/%C3%BC%281%29.png');
  });
});
