/**
 * Fault injection in front of a local emulator: an HTTP proxy that forwards to it (`up`) or makes the provider
 * misbehave the way an outage, throttling or a refusal looks to the AWS SDK, so the notification sender's retry
 * and dead-letter paths can be exercised with the real clients.
 *
 * SES (v1) and SNS speak the AWS Query protocol: a signed, form-encoded `POST /`, answered with XML; an error is
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>` with a 4xx or 5xx status, which
 * the SDK turns into an exception named after `Code` ("Query protocol errors", AWS SDK for JavaScript v3). The SDK
 * itself retries network errors, 5xx answers and throttling codes (`Throttling`, ...) before the caller sees them
 * (standard retry mode, 3 attempts): every attempt reaches this proxy and is counted.
 *
 * Faults (`setFault`), applied to each request as it arrives:
 * - `up`: forwards everything, request and response streamed through unchanged (GET pages too);
 * - `down`: the provider is unreachable: the client's connection is destroyed without an answer (ECONNRESET,
 *   "socket hang up": a retryable network error);
 * - `unavailable`: 503 `ServiceUnavailable` (retryable);
 * - `throttle`: 400 `Throttling`, SES's throttling answer (retryable: a throttling code of
 *   `@smithy/service-error-classification`). For SNS's own (`Throttled`, 429) use `reject`;
 * - `reject`: `status` (default 400) with `code`, e.g. SES `MessageRejected`, SNS `InvalidParameter`: permanent
 *   (a 5xx `status` makes it retryable);
 * - `hang`: the request is accepted and neither answered nor forwarded, until the client gives up or the fault
 *   changes to another mode; then it is dropped (the connection destroyed), never forwarded late.
 * Every fault but `up` may carry `match`: it then applies only to requests whose body contains that text (raw or
 * URL-decoded, since the Query protocol form-encodes `@` as `%40` and `+` as `%2B`); the others are forwarded.
 */
import { randomUUID } from 'node:crypto';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';

/** What the proxy does to requests; see the module comment. */
export type Fault =
  | { readonly mode: 'up' }
  | { readonly mode: 'down'; readonly match?: string }
  | { readonly mode: 'unavailable'; readonly match?: string }
  | { readonly mode: 'throttle'; readonly match?: string }
  | {
      readonly mode: 'reject';
      /** The error code, the SDK exception's `name` (e.g. `MessageRejected`). */
      readonly code: string;
      readonly message?: string;
      /** HTTP status, default 400. */
      readonly status?: number;
      readonly match?: string;
    }
  | { readonly mode: 'hang'; readonly match?: string };

export interface FaultProxyStats {
  /** Requests forwarded to the target (under `up`, or not matched by the fault). */
  readonly forwarded: number;
  /** Requests answered with an injected error or dropped (`down`, `unavailable`, `throttle`, `reject`). */
  readonly failed: number;
  /** Requests held by `hang`, in all. */
  readonly held: number;
  /** Requests held right now. */
  readonly holding: number;
}

export interface FaultProxyOptions {
  /** Short name for messages, e.g. `ses`. */
  readonly name: string;
  /** Base URL of the emulator, e.g. `http://127.0.0.1:8005`. */
  readonly target: string;
  /** TCP port on 127.0.0.1 (0 picks a free one). */
  readonly port: number;
  /** The fault at start, default `{ mode: 'up' }`. */
  readonly fault?: Fault;
}

export interface FaultProxy {
  readonly name: string;
  /** The proxy's base URL, e.g. `http://127.0.0.1:41234`: the SDK endpoint to use instead of the target's. */
  readonly url: string;
  readonly target: string;
  /** The fault in force. */
  fault(): Fault;
  /**
   * Puts `fault` in force for the requests that arrive from now on. Held requests are dropped unless the new fault
   * is a `hang` too.
   * @throws TypeError for an unknown mode, a `reject` without `code`, or a status outside 400..599
   */
  setFault(fault: Fault): void;
  /** Counters since start. */
  stats(): FaultProxyStats;
  /** Closes the proxy: held requests and open connections are destroyed. */
  stop(): Promise<void>;
}

/** Hop-by-hop headers, which concern one connection and are not forwarded (RFC 9110 §7.6.1). */
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function endToEndHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !hopByHop.has(name)));
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Whether the body contains `match`, raw or URL-decoded (`%XX`, and `+` as a space as forms have it). */
export function bodyMatches(body: Buffer, match: string): boolean {
  const raw = body.toString('utf8');
  return [raw, safeDecode(raw), safeDecode(raw.replace(/\+/g, ' '))].some((text) => text?.includes(match));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('the client went away'));
    });
  });
}

/** The HTTP status and Query-protocol error of an answering fault. */
function errorAnswer(
  fault: Fault,
  proxyName: string,
): { status: number; code: string; message: string } | undefined {
  switch (fault.mode) {
    case 'unavailable':
      return {
        status: 503,
        code: 'ServiceUnavailable',
        message: 'Service is unavailable. Please try again later.',
      };
    case 'throttle':
      return { status: 400, code: 'Throttling', message: 'Maximum sending rate exceeded.' };
    case 'reject':
      return {
        status: fault.status ?? 400,
        code: fault.code,
        message: fault.message ?? `${fault.code} (injected by the local ${proxyName} fault proxy)`,
      };
    default:
      return undefined;
  }
}

function validate(fault: Fault): void {
  const modes = ['up', 'down', 'unavailable', 'throttle', 'reject', 'hang'];
  if (!modes.includes(fault?.mode)) throw new TypeError(`Unknown fault mode ${JSON.stringify(fault?.mode)}`);
  if (fault.mode === 'reject') {
    if (!fault.code) throw new TypeError('A reject fault needs a code');
    const status = fault.status ?? 400;
    if (!Number.isInteger(status) || status < 400 || status > 599)
      throw new TypeError(`A reject fault's status must be 400..599, not ${status}`);
  }
}

/**
 * Starts a proxy on 127.0.0.1:`port` in front of `target`.
 * @throws Error when the port is taken; TypeError for an invalid initial fault
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const targetBase = target.pathname.replace(/\/+$/, '');
  let current: Fault = options.fault ?? { mode: 'up' };
  validate(current);
  const counters = { forwarded: 0, failed: 0, held: 0 };
  const holding = new Set<ServerResponse>();
  const agent = new Agent({ keepAlive: true });

  /** Drops the connection without an answer: what the client sees when the provider cannot be reached. */
  function drop(req: IncomingMessage, res: ServerResponse): void {
    holding.delete(res);
    req.socket.destroy();
  }

  /** Forwards one request; `body` when it was read already, else the request is streamed. */
  function forward(req: IncomingMessage, res: ServerResponse, body: Buffer | undefined): void {
    counters.forwarded++;
    const headers = endToEndHeaders(req.headers);
    if (body) headers['content-length'] = String(body.length);
    const upstream = httpRequest(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: `${targetBase}${req.url ?? '/'}`,
        headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, endToEndHeaders(answer.headers));
        answer.pipe(res);
        answer.once('error', () => res.destroy());
      },
    );
    // The target is down or failed mid-answer: the client sees a dropped connection, as it would without us.
    upstream.once('error', () => drop(req, res));
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    if (body) upstream.end(body);
    else req.pipe(upstream);
  }

  function answerError(req: IncomingMessage, res: ServerResponse, fault: Fault): void {
    const answer = errorAnswer(fault, options.name);
    if (!answer) return;
    counters.failed++;
    const requestId = randomUUID();
    const type = answer.status >= 500 ? 'Receiver' : 'Sender';
    const xml =
      `<?xml version="1.0"?>\n<ErrorResponse><Error><Type>${type}</Type><Code>${escapeXml(answer.code)}</Code>` +
      `<Message>${escapeXml(answer.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    const send = () => {
      res.writeHead(answer.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
      res.end(xml);
    };
    // Answer once the client has sent everything, as a server would.
    if (req.complete) send();
    else {
      req.resume();
      req.once('end', send);
    }
  }

  function hold(req: IncomingMessage, res: ServerResponse): void {
    counters.held++;
    holding.add(res);
    req.resume();
    res.once('close', () => holding.delete(res));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const fault = current;
    if (fault.mode === 'up') {
      forward(req, res, undefined);
      return;
    }
    let body: Buffer | undefined;
    if (fault.match !== undefined) {
      try {
        body = await readBody(req);
      } catch {
        return; // the client went away
      }
      if (!bodyMatches(body, fault.match)) {
        forward(req, res, body);
        return;
      }
    }
    if (fault.mode === 'down') {
      counters.failed++;
      drop(req, res);
    } else if (fault.mode === 'hang') hold(req, res);
    else answerError(req, res, fault);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => drop(req, res));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : options.port}`;

  return {
    name: options.name,
    url,
    target: options.target,
    fault: () => current,
    setFault(fault) {
      validate(fault);
      current = fault;
      if (fault.mode !== 'hang') for (const res of [...holding]) drop(res.req, res);
    },
    stats: () => ({ ...counters, holding: holding.size }),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const res of [...holding]) drop(res.req, res);
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
