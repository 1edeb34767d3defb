/**
 * SQS calls without `@aws-sdk/client-sqs`: one signed `fetch` per call in the AWS JSON 1.0 protocol, the protocol
 * the SQS API speaks ("Making query API requests using AWS JSON protocol in Amazon SQS", SQS developer guide):
 * `POST /` to the queue's endpoint with `X-Amz-Target: AmazonSQS.<Action>` and a JSON body, signed with SigV4 for
 * service `sqs`. The notification functions make only three kinds of call (SendMessageBatch, SendMessage,
 * ChangeMessageVisibility); the SDK client would add about 60 KiB to their bundles and to their cold start.
 *
 * The endpoint is the origin of the queue URL (`https://sqs.<region>.amazonaws.com` in AWS; the emulator's address
 * locally), so no endpoint setting is needed.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { credentials, region, Sha256 } from '#shared/platform/aws-signing.ts';

let signer: SignatureV4 | undefined;

function sqsSigner(): SignatureV4 {
  signer ??= new SignatureV4({ service: 'sqs', region: async () => region(), credentials, sha256: Sha256 });
  return signer;
}

/** An error answer of SQS: `name` is the error code (`QueueDoesNotExist`, `RequestThrottled`, ...). */
export class SqsError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    /** HTTP status of the answer. */
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * One SQS API call on a queue.
 * @param action the API action, e.g. `SendMessageBatch`
 * @param input the action's request fields; `QueueUrl` is required and gives the endpoint
 * @returns the action's JSON result
 * @throws SqsError for an error answer (named by its code); fetch errors for no answer
 */
export async function sqsRequest<Result>(
  action: string,
  input: { readonly QueueUrl: string } & Record<string, unknown>,
): Promise<Result> {
  const endpoint = new URL(input.QueueUrl);
  const body = JSON.stringify(input);
  const signed = await sqsSigner().sign({
    method: 'POST',
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    port: endpoint.port ? Number(endpoint.port) : undefined,
    path: '/',
    headers: {
      host: endpoint.host,
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AmazonSQS.${action}`,
    },
    body,
  });
  const { host: _host, ...headers } = signed.headers;
  const response = await fetch(`${endpoint.origin}/`, { method: 'POST', headers, body });
  const text = await response.text();
  const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!response.ok) {
    // `__type` is `com.amazonaws.sqs#QueueDoesNotExist` (or the code alone).
    const code = String(json.__type ?? json.code ?? `HTTP${response.status}`)
      .split('#')
      .pop() as string;
    throw new SqsError(code, String(json.message ?? json.Message ?? text), response.status);
  }
  return json as Result;
}
