/** Optics notifications (being built; see the feature's issue). */
import type { StreamRule } from '#shared/notifications/intents.ts';

export const opticsStreamRules: readonly StreamRule[] = [];
