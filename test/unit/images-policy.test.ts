/**
 * Who may caption, replace and delete an image (`checkImageChange`), and the caption's bounds in the request schemas.
 */
import { describe, expect, it } from 'vitest';
import { checkImageChange } from '#shared/images/policy.ts';
import { CreateImageUploadBody, UpdateImageBody } from '#shared/images/schemas.ts';
import type { Actor } from '#shared/roles/actor.ts';
import { builtInRoles, type Permissions } from '#shared/roles/roles.ts';

const actor = (userId: string, permissions: Permissions): Actor => ({ userId, role: 'custom', permissions });
const uploader = actor('requester-1', builtInRoles.requester);
const requester = actor('requester-2', builtInRoles.requester);
const agent = actor('agent-1', builtInRoles.agent);
const admin = actor('admin-1', builtInRoles.admin);
const viewer = actor('viewer-1', { ...builtInRoles.requester, canViewAll: true });
const image = { uploaderId: uploader.userId };

describe('checkImageChange', () => {
  it('lets the uploader and canEditAll change an image of an open ticket; nobody else', () => {
    for (const change of ['caption', 'replace', 'delete'] as const) {
      expect(checkImageChange(uploader, image, 'open', change)).toEqual({ ok: true });
      expect(checkImageChange(agent, image, 'in_progress', change)).toEqual({ ok: true });
      expect(checkImageChange(admin, image, 'open', change)).toEqual({ ok: true });
      for (const other of [requester, viewer]) {
        expect(checkImageChange(other, image, 'open', change)).toMatchObject({
          ok: false,
          refusal: 'not-allowed',
        });
      }
    }
  });

  it('freezes a closed or canceled ticket’s images, except a delete by canDeleteAll', () => {
    for (const status of ['closed', 'canceled'] as const) {
      for (const change of ['caption', 'replace', 'delete'] as const) {
        expect(checkImageChange(uploader, image, status, change)).toMatchObject({
          ok: false,
          refusal: 'frozen',
        });
        // The agent has canEditAll but not canDeleteAll.
        expect(checkImageChange(agent, image, status, change)).toMatchObject({
          ok: false,
          refusal: 'frozen',
        });
      }
      expect(checkImageChange(admin, image, status, 'delete')).toEqual({ ok: true });
      expect(checkImageChange(admin, image, status, 'caption')).toMatchObject({
        ok: false,
        refusal: 'frozen',
      });
    }
  });
});

describe('caption schemas', () => {
  it('counts characters (code points): 500 emoji pass, 501 characters do not; blank is refused; trimmed', () => {
    expect(UpdateImageBody.safeParse({ caption: '📷'.repeat(500) }).success).toBe(true);
    expect(UpdateImageBody.safeParse({ caption: 'x'.repeat(501) }).success).toBe(false);
    expect(UpdateImageBody.safeParse({ caption: '  ' }).success).toBe(false);
    expect(UpdateImageBody.safeParse({ caption: null }).data).toEqual({ caption: null });
    expect(UpdateImageBody.safeParse({ caption: ' A tray ' }).data).toEqual({ caption: 'A tray' });
    expect(UpdateImageBody.safeParse({}).success).toBe(false);
    expect(CreateImageUploadBody.safeParse({ contentType: 'image/png', caption: 'Tray' }).data).toMatchObject(
      {
        caption: 'Tray',
      },
    );
  });
});
