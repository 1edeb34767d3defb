/**
 * The S3 event handler's own work: which records it checks, how it decodes keys, and that a failure fails the
 * invocation (so Lambda retries it) only after every record had its turn. The check itself is mocked.
 */
import type { Context, S3Event, S3EventRecord } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const checkUploadedImage = vi.hoisted(() => vi.fn());
vi.mock('#shared/images/check-upload.ts', () => ({ checkUploadedImage }));

const { handler } = await import('../../functions/images/on-object-created.ts');

const ticketId = '01JDQ8Z3M4N5P6Q7R8S9T0V1W2';
const imageId = '01JDQ9A1B2C3D4E5F6G7H8J9K0';
const context = { functionName: 'on-object-created', awsRequestId: 'req-1' } as Context;

function record(key: string, eventName = 'ObjectCreated:Post'): S3EventRecord {
  return {
    eventName,
    s3: { object: { key, size: 67, eTag: 'abc', sequencer: '0055AED6DCD90281E5' } },
  } as unknown as S3EventRecord;
}
const event = (...records: S3EventRecord[]): S3Event => ({ Records: records });

describe('on-object-created handler', () => {
  beforeEach(() => {
    checkUploadedImage.mockReset();
    checkUploadedImage.mockResolvedValue('ready');
  });

  it('checks the image named by a URL-encoded key', async () => {
    await handler(event(record(`tickets%2F${ticketId}%2Fimages%2F${imageId}`)), context);
    expect(checkUploadedImage).toHaveBeenCalledWith({ ticketId, imageId });
  });

  it('ignores keys that are not image keys and events that are not object creation', async () => {
    await handler(
      event(
        record(`tickets/${ticketId}/notes/${imageId}`),
        record('tickets/%ZZ'),
        record(`tickets/${ticketId}/images/${imageId}`, 'ObjectRemoved:Delete'),
      ),
      context,
    );
    await handler({} as S3Event, context); // s3:TestEvent has no Records
    expect(checkUploadedImage).not.toHaveBeenCalled();
  });

  it('checks every record, then fails the invocation when one check failed', async () => {
    checkUploadedImage.mockRejectedValueOnce(new Error('DynamoDB is throttling'));
    const other = '01JDQ9A1B2C3D4E5F6G7H8J9K1';
    await expect(
      handler(
        event(record(`tickets/${ticketId}/images/${imageId}`), record(`tickets/${ticketId}/images/${other}`)),
        context,
      ),
    ).rejects.toThrow(/1 image check/);
    expect(checkUploadedImage).toHaveBeenCalledTimes(2);
    expect(checkUploadedImage).toHaveBeenLastCalledWith({ ticketId, imageId: other });
  });
});
