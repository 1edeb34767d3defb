/**
 * The optics request lifecycle as data (`shared/optics/lifecycle.ts`), the request schemas' own rules, and the keys
 * that serve the lists (`shared/optics/optics.entity.ts`).
 */
import { describe, expect, it } from 'vitest';
import { allowedOpticsActions, opticsTransition } from '#shared/optics/lifecycle.ts';
import {
  type OpticsRequestItem,
  opticsRequestRecord,
  opticsStatusEntryRecord,
} from '#shared/optics/optics.entity.ts';
import { ChangeOpticsStatusBody, ReplaceOpticsPartsBody } from '#shared/optics/schemas.ts';

describe('optics lifecycle', () => {
  it.each([
    ['pending', 'approve', 'approved'],
    ['pending', 'deny', 'denied'],
    ['pending', 'archive', 'archived'],
    ['approved', 'archive', 'archived'],
    ['denied', 'archive', 'archived'],
  ] as const)('%s --%s--> %s', (from, action, to) => {
    expect(opticsTransition(from, action)).toBe(to);
  });

  it.each([
    ['approved', 'approve'],
    ['approved', 'deny'],
    ['denied', 'approve'],
    ['archived', 'archive'],
    ['archived', 'approve'],
  ] as const)('refuses %s --%s-->', (from, action) => {
    expect(opticsTransition(from, action)).toBeUndefined();
  });

  it('lists the actions each status allows', () => {
    expect(allowedOpticsActions('pending')).toEqual(['approve', 'deny', 'archive']);
    expect(allowedOpticsActions('approved')).toEqual(['archive']);
    expect(allowedOpticsActions('archived')).toEqual([]);
  });
});

describe('optics schemas', () => {
  it('needs a reason to deny, not to approve', () => {
    expect(ChangeOpticsStatusBody.safeParse({ action: 'deny' }).success).toBe(false);
    expect(ChangeOpticsStatusBody.safeParse({ action: 'deny', reason: 'No budget' }).success).toBe(true);
    expect(ChangeOpticsStatusBody.safeParse({ action: 'approve' }).success).toBe(true);
    expect(ChangeOpticsStatusBody.safeParse({ action: 'fulfil' }).success).toBe(false);
  });

  it('takes 1-100 parts, none blank; each part once and never Other are the operation’s rules (422)', () => {
    expect(ReplaceOpticsPartsBody.safeParse({ parts: ['SFP', 'QSFP'] }).success).toBe(true);
    expect(ReplaceOpticsPartsBody.safeParse({ parts: ['SFP', 'sfp'] }).success).toBe(true);
    expect(ReplaceOpticsPartsBody.safeParse({ parts: ['SFP', '   '] }).success).toBe(false);
    expect(ReplaceOpticsPartsBody.safeParse({ parts: [] }).success).toBe(false);
  });
});

describe('optics keys', () => {
  const request: OpticsRequestItem = {
    requestId: '01JDQAB2C3D4E5F6G7H8J9K0M1',
    requesterId: 'user-1',
    part: 'Other',
    description: 'BiDi',
    quantity: 1,
    status: 'approved',
    version: 2,
    createdAt: '2026-12-01T09:00:00.000Z',
    updatedAt: '2026-12-01T10:00:00.000Z',
  };

  it('puts a request in the every-request and the requester lists, and its status entry under its status', () => {
    expect(opticsRequestRecord(request)).toMatchObject({
      pk: 'OPTICS#01JDQAB2C3D4E5F6G7H8J9K0M1',
      sk: 'REQUEST',
      gsi11pk: 'OPTICS#ALL',
      gsi11sk: '2026-12-01T09:00:00.000Z#01JDQAB2C3D4E5F6G7H8J9K0M1',
      gsi12pk: 'OPTICS#REQUESTER#user-1',
      entityType: 'opticsRequest',
    });
    expect(opticsStatusEntryRecord(request)).toMatchObject({
      pk: 'OPTICS#STATUS#approved',
      sk: '2026-12-01T09:00:00.000Z#01JDQAB2C3D4E5F6G7H8J9K0M1',
      requestId: request.requestId,
    });
  });
});
