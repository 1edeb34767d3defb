import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { idempotencyStore } from '#shared/platform/idempotency.ts';

describe('idempotency storage', () => {
  const saved = { table: process.env.TABLE_NAME, region: process.env.AWS_REGION };
  beforeEach(() => {
    process.env.TABLE_NAME = 'helpdesk-test';
    process.env.AWS_REGION = 'us-east-1';
  });
  afterEach(() => {
    process.env.TABLE_NAME = saved.table;
    process.env.AWS_REGION = saved.region;
  });

  it('keys each record by its own idempotency key: one partition per record, no shared hot key', () => {
    const store = idempotencyStore('api') as unknown as {
      getKey(key: string): Record<string, { S: string }>;
    };
    expect(store.getKey('api#4f1a')).toEqual({ pk: { S: 'IDEMPOTENCY#api#4f1a' }, sk: { S: 'IDEMPOTENCY' } });
    expect(store.getKey('api#9c2e').pk).not.toEqual(store.getKey('api#4f1a').pk);
  });
});
