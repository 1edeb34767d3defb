/**
 * A tiny stand-in for Amazon SNS that speaks just enough of the SNS Query API for SMS: `Publish` with
 * `PhoneNumber` + `Message`. No usable SNS emulator exists (TOOLCHAIN.md), and this keeps the real
 * `@aws-sdk/client-sns` code path under test: the SDK signs a form-encoded POST, this answers SNS-shaped XML.
 *
 * - `POST /` `Action=Publish`: validates the phone number (E.164) and the message, records it, answers
 *   `<PublishResponse>` with a `MessageId`. `TopicArn`/`TargetArn` answer `NotFound` (no topics exist locally).
 *   Other actions answer `InvalidAction`.
 * - `GET /messages[?since=<epoch seconds>&phoneNumber=+1...]`: the recorded SMS as JSON `{ messages: [...] }`.
 * - `POST /clear`: forgets them. `GET /`: a plain HTML page listing them, for people.
 *
 * Not checked: SigV4 signatures (an `Authorization` header must be present, as with SES local), opt-outs,
 * spending limits, sender ids. Messages live in memory only.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { sendJson } from './http-json.ts';

/** One SMS as recorded by the endpoint. */
export interface RecordedSms {
  readonly messageId: string;
  /** E.164 destination, e.g. `+15555550100`. */
  readonly phoneNumber: string;
  readonly message: string;
  /** `MessageAttributes` by name, as string values (e.g. `AWS.SNS.SMS.SMSType: Transactional`). */
  readonly messageAttributes: Readonly<Record<string, string>>;
  /** ISO 8601 time of receipt. */
  readonly sentAt: string;
  /** Epoch seconds of receipt (the unit of `?since=`, as in the SES emulator's store). */
  readonly at: number;
}

export interface SnsEndpoint {
  /** Base URL, e.g. `http://127.0.0.1:4575`; also the `AWS_ENDPOINT_URL_SNS` value. */
  readonly url: string;
  /** The SMS received so far, oldest first. */
  readonly messages: readonly RecordedSms[];
  clear(): void;
  close(): Promise<void>;
}

const xmlns = 'http://sns.amazonaws.com/doc/2010-03-31/';
/** E.164: `+`, country code not starting with 0, at most 15 digits in all. */
const e164 = /^\+[1-9]\d{1,14}$/;

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sendXml(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
  res.end(`<?xml version="1.0"?>\n${body}`);
}

/** An SNS Query API error (`<ErrorResponse>`), as the SDK parses it into a typed exception. */
function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  sendXml(
    res,
    status,
    `<ErrorResponse xmlns="${xmlns}"><Error><Type>${type}</Type><Code>${code}</Code>` +
      `<Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `MessageAttributes.entry.N.Name` / `.Value.StringValue` (or `.Value.BinaryValue`) pairs. */
function messageAttributes(form: URLSearchParams): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [key, name] of form) {
    const match = /^MessageAttributes\.entry\.(\d+)\.Name$/.exec(key);
    if (!match) continue;
    const prefix = `MessageAttributes.entry.${match[1]}.Value`;
    attributes[name] = form.get(`${prefix}.StringValue`) ?? form.get(`${prefix}.BinaryValue`) ?? '';
  }
  return attributes;
}

function page(messages: readonly RecordedSms[]): string {
  const rows = messages
    .slice()
    .reverse()
    .map(
      (sms) =>
        `<tr><td>${escapeXml(sms.sentAt)}</td><td>${escapeXml(sms.phoneNumber)}</td>` +
        `<td><pre>${escapeXml(sms.message)}</pre></td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Local SMS log</title>
<style>body{font-family:sans-serif;margin:2em}td{border-top:1px solid #ccc;padding:.4em;vertical-align:top}
pre{white-space:pre-wrap;margin:0}</style></head><body><h1>SMS sent through the local SNS endpoint</h1>
<p>${messages.length} message(s), newest first. JSON: <a href="/messages">/messages</a>. Reload to refresh.</p>
<table><tr><th>Sent</th><th>To</th><th>Message</th></tr>${rows}</table></body></html>`;
}

/**
 * Starts the endpoint.
 * @param port TCP port on 127.0.0.1 (0 picks a free one)
 */
export async function startSnsEndpoint(port: number): Promise<SnsEndpoint> {
  const messages: RecordedSms[] = [];

  function publish(form: URLSearchParams, res: ServerResponse): void {
    if (form.get('TopicArn') || form.get('TargetArn')) {
      sendError(res, 404, 'NotFound', 'Topic does not exist (the local SNS endpoint only sends SMS)');
      return;
    }
    const phoneNumber = form.get('PhoneNumber');
    if (!phoneNumber) {
      sendError(
        res,
        400,
        'InvalidParameter',
        'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter',
      );
      return;
    }
    if (!e164.test(phoneNumber)) {
      sendError(
        res,
        400,
        'InvalidParameter',
        `Invalid parameter: PhoneNumber Reason: ${phoneNumber} is not valid to publish to`,
      );
      return;
    }
    const message = form.get('Message') ?? '';
    if (message.trim() === '') {
      sendError(res, 400, 'InvalidParameter', 'Invalid parameter: Empty message');
      return;
    }
    const now = new Date();
    const sms: RecordedSms = {
      messageId: randomUUID(),
      phoneNumber,
      message,
      messageAttributes: messageAttributes(form),
      sentAt: now.toISOString(),
      at: Math.floor(now.getTime() / 1000),
    };
    messages.push(sms);
    sendXml(
      res,
      200,
      `<PublishResponse xmlns="${xmlns}"><PublishResult><MessageId>${sms.messageId}</MessageId></PublishResult>` +
        `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/messages') {
      const since = Number(url.searchParams.get('since') ?? 0);
      const phoneNumber = url.searchParams.get('phoneNumber');
      sendJson(res, 200, {
        messages: messages.filter(
          (sms) => sms.at >= since && (!phoneNumber || sms.phoneNumber === phoneNumber),
        ),
      });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/clear') {
      messages.length = 0;
      sendJson(res, 200, { message: 'cleared' });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page(messages));
      return;
    }
    if (req.method !== 'POST' || url.pathname !== '/') {
      sendError(res, 404, 'NotFound', `No route for ${req.method} ${url.pathname}`);
      return;
    }
    const form = new URLSearchParams(await readText(req));
    if (!req.headers.authorization) {
      sendError(res, 403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
      return;
    }
    const action = form.get('Action');
    if (action === 'Publish') publish(form, res);
    else
      sendError(
        res,
        400,
        'InvalidAction',
        `The action ${action} is not valid for this endpoint (local SNS: Publish only).`,
      );
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'InternalError', String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`;
  return {
    url,
    get messages() {
      return messages;
    },
    clear: () => {
      messages.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
