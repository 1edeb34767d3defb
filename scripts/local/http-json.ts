/** JSON in and out of the local servers' endpoints (`/_local/*`, the SNS endpoint's list). */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The request body parsed as JSON; `{}` when empty. @throws SyntaxError on a body that is not JSON */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** Answers `value` as JSON with `status`. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}
