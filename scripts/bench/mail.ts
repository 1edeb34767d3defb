/**
 * Approval mails: opens tickets with an approver through the API at a steady pace and watches the SES emulator's
 * store (`GET <sesStoreUrl>?since=<epoch s>`) until each ticket's "Approval needed: #<number> ..." mail is there.
 * The latency of one ticket runs from the start of its `POST /tickets` to the first poll of the store that shows
 * its mail (the store stamps mails in whole seconds only, so the bench polls every {@link pollMs} ms). Returns the
 * approval links from the mails too: the bench measures the approval page and the decision with them.
 */
import { performance } from 'node:perf_hooks';
import type { Invoker } from './invoke.ts';

export const pollMs = 50;

export interface ApprovalTickets {
  /** One per ticket whose mail arrived, in creation order. */
  readonly links: string[];
  /** Milliseconds from the POST's start to the mail's arrival, per ticket whose mail arrived. */
  readonly latencies: number[];
  /** Tickets whose POST failed, or whose mail did not arrive in time. */
  readonly failedPosts: number;
  readonly missingMails: number;
  /** Pause between two POSTs. */
  readonly paceMs: number;
}

interface StoredMail {
  readonly subject: string;
  readonly destination: { readonly to: string[] };
  readonly body: { readonly text?: string; readonly html?: string };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Opens `count` tickets with `approverId` as `token`'s user, one every `paceMs`, and waits (at most `waitMs` after
 * the last) for their approval mails to `approverEmail`.
 * @param ticket the body of each POST (title and description), without the approver
 */
export async function approvalTickets(options: {
  readonly invoker: Invoker;
  readonly sesStoreUrl: string;
  readonly token: string;
  readonly approverId: string;
  readonly approverEmail: string;
  readonly count: number;
  readonly paceMs: number;
  readonly waitMs: number;
  readonly ticket: (i: number) => { title: string; description: string };
  readonly onCreated?: () => void;
}): Promise<ApprovalTickets> {
  const since = Math.floor(Date.now() / 1000) - 1;
  const pending = new Map<number, { started: number; index: number }>();
  const arrived = new Map<number, { latency: number; link: string | undefined; index: number }>();
  let failedPosts = 0;
  let creating = true;

  const poller = (async () => {
    let deadline = Number.POSITIVE_INFINITY;
    while (performance.now() < deadline) {
      if (!creating && deadline === Number.POSITIVE_INFINITY) deadline = performance.now() + options.waitMs;
      if (pending.size > 0) {
        const response = await fetch(`${options.sesStoreUrl}?since=${since}`, {
          signal: AbortSignal.timeout(10_000),
        });
        const seenAt = performance.now();
        const { emails } = (await response.json()) as { emails: StoredMail[] };
        for (const mail of emails) {
          const number = Number(/^Approval needed: #(\d+)\b/.exec(mail.subject)?.[1]);
          const waiting = pending.get(number);
          if (!waiting || !mail.destination.to.some((to) => to.includes(options.approverEmail))) continue;
          const text = `${mail.body.text ?? ''} ${mail.body.html ?? ''}`;
          const link = /https?:\/\/[^\s"<>]+\/approvals\/[A-Za-z0-9_-]{20,}/.exec(text)?.[0];
          arrived.set(number, { latency: seenAt - waiting.started, link, index: waiting.index });
          pending.delete(number);
        }
      } else if (!creating) {
        return;
      }
      await sleep(pollMs);
    }
  })();

  try {
    for (let i = 0; i < options.count; i++) {
      const started = performance.now();
      const response = await options.invoker.http({
        method: 'POST',
        path: '/tickets',
        token: options.token,
        json: { ...options.ticket(i), type: 'request', approverId: options.approverId },
      });
      if (response.status === 201 && typeof response.body?.number === 'number') {
        pending.set(response.body.number, { started, index: i });
        options.onCreated?.();
      } else {
        failedPosts++;
      }
      const rest = options.paceMs - (performance.now() - started);
      if (rest > 0) await sleep(rest);
    }
  } finally {
    creating = false;
  }
  await poller;
  const found = [...arrived.values()].sort((a, b) => a.index - b.index);
  return {
    links: found.flatMap((mail) => (mail.link ? [mail.link] : [])),
    latencies: found.map((mail) => mail.latency),
    failedPosts,
    missingMails: pending.size,
    paceMs: options.paceMs,
  };
}
