/**
 * A delivery channel: how a recipient is reached (their address on it), what the message looks like, and how it is
 * sent. The notifier knows channels only through this shape, so another channel (a webhook, a chat app) is one more
 * file beside `email.ts` and `sms.ts`.
 */

import type { SendOutcome } from '#shared/notifications/channels/outcome.ts';
import type { ChannelName } from '#shared/notifications/intents.ts';
import type { RecipientContact } from '#shared/notifications/plan.ts';
import type { MessageFacts } from '#shared/notifications/templates.ts';

export interface Channel<Message = unknown> {
  readonly name: ChannelName;
  /** The recipient's address on this channel (email address, E.164 number), if they have one. */
  addressOf(recipient: RecipientContact): string | undefined;
  /** Why this address cannot get a message, or `undefined` when it can (checked before anything is rendered). */
  addressProblem(address: string | undefined): string | undefined;
  /** The message for these facts. */
  render(facts: MessageFacts): Message;
  /** Send it; never throws for the provider's answer. */
  send(address: string, message: Message): Promise<SendOutcome>;
}
