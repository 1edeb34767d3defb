/**
 * `npm run bench`: the Lambda bundles (size, import-time init against a bare DynamoDB baseline), every request's
 * AWS calls and consumed capacity, the same requests at 1,000 and 100,000 tickets (latency p50/p95, capacity, the
 * growth check), approval mail latency, handler durations next to a bare-SDK GetItem, and the cost per million
 * requests and per month from those measurements. Writes its section of `docs/benchmarks.md`.
 *
 * Phases, in order (`docs/benchmarks.md` explains the method):
 * 1. bundles: builds every function as CDK does (`bundles.ts`), sizes, interleaved fresh-process imports;
 * 2. the local stack, ephemeral (free ports, DynamoDB Local in memory), demo accounts;
 * 3. calls: every route on a small table (`calls.ts`);
 * 4. 1,000 tickets: BatchWriteItem load (`load.ts`), the newest page of every list, the list variants, approval
 *    mails (`mail.ts`), then create, get, comment, status change, approval page and decision (`scale.ts`);
 * 5. handler durations (`handlers.ts`, `invoke.ts`);
 * 6. 100,000 tickets: the load, the stream catching up, the same requests again, the growth check;
 * 7. cost (`cost.ts`, prices in `pricing.ts`) and the report (`report.ts`).
 *
 * Exits non-zero when a function is over the init or size budgets, or a request's consumed capacity at 100,000
 * tickets exceeds that at 1,000.
 *
 * Options: `--quick` (1,000 tickets only, fewer repetitions and import rounds; prints, leaves the docs alone unless
 * `--docs`), `--no-docs`, `--only=bundles` (no stack), `--skip-bundles`, `--rounds=N` (import rounds),
 * `--repetitions=N` (scale repetitions).
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MAX_PENDING_IMAGES_PER_TICKET } from '../../shared/images/rules.ts';
import { pngBytes } from '../../test/support/sample-images.ts';
import { type SeededAccount, seedDemoAccounts } from '../local/demo-accounts.ts';
import { repoRoot } from '../local/paths.ts';
import { type LocalStack, startLocalStack } from '../local/stack.ts';
import { CallRecorder } from './aws-calls.ts';
import {
  type BuiltBundle,
  baselineId,
  baselineSource,
  benchFunctions,
  budgets,
  buildBundle,
  bundleDirectory,
  type InitTiming,
  measureInit,
  tryBuildBundle,
  withinSize,
} from './bundles.ts';
import { type CallsResult, measureCalls, need, uploadImage } from './calls.ts';
import { type Duration, type FunctionCost, functionCost } from './cost.ts';
import { readAccessPatterns } from './data-model.ts';
import { EventSourceLog, type FunctionTiming, timeRouteHandlers } from './handlers.ts';
import { type BenchRequest, bareGetItemHandler, createInvoker } from './invoke.ts';
import {
  indexEntriesPerTicket,
  type LoadResult,
  loadedIndexEntryBytes,
  loadedItemBytes,
  loadTickets,
  newestPageIds,
} from './load.ts';
import { approvalTickets } from './mail.ts';
import { prices } from './pricing.ts';
import {
  costRows,
  type MailReport,
  renderReport,
  type Summary,
  summarize,
  versusDocs,
  writeSection,
} from './report.ts';
import {
  capacityGrowth,
  listRequests,
  measureScale,
  newestTicketFields,
  type ScaleRequest,
  type ScaleResult,
} from './scale.ts';
import { int, mean, median, ms, num, percentile, usd } from './stats.ts';

const args = process.argv.slice(2);
const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
const quick = args.includes('--quick');
const onlyBundles = option('only') === 'bundles';
const skipBundles = args.includes('--skip-bundles');
const writeDocs = args.includes('--docs') || (!quick && !args.includes('--no-docs'));
const settings = {
  /** Import rounds: 25, fewer when there are many functions (about 1,000 imports in all, at least 11 rounds). */
  initRounds: Number(
    option('rounds') ??
      (quick ? 3 : Math.max(11, Math.min(25, Math.round(1000 / (benchFunctions.length + 1))))),
  ),
  callsRepetitions: quick ? 5 : 20,
  scaleRepetitions: Number(option('repetitions') ?? (quick ? 8 : 40)),
  handlerRepetitions: quick ? 5 : 20,
  /** Approval mails timed at 1,000 tickets (at least; the links also serve the decisions). */
  mails: quick ? 10 : 50,
  mailPaceMs: 300,
  sizes: quick ? [1_000] : [1_000, 100_000],
  /** Newest tickets per list shard written before the lists are measured. */
  pagePerShard: 30,
  loadMaxMs: 6 * 60_000,
  drainMaxMs: 10 * 60_000,
  overallMaxMs: (quick ? 12 : 30) * 60_000,
};

const log = (line: string) => console.log(line);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
}

function gitDescription(): string {
  try {
    const commit = git(['rev-parse', '--short', 'HEAD']);
    const dirty = git(['status', '--porcelain', '--', 'functions', 'shared', 'lib', 'scripts/local']);
    return dirty
      ? `${commit} plus uncommitted changes in functions/, shared/, lib/ or scripts/local/`
      : commit;
  } catch {
    return 'unknown';
  }
}

function machine(): string {
  const cpus = os.cpus();
  return (
    `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
    `Node ${process.version}, ${os.platform()} ${os.release()}, load average ${os.loadavg()[0]?.toFixed(1)} at the start`
  );
}

class Phases {
  readonly done: { name: string; seconds: number }[] = [];
  #name = '';
  #started = 0;
  start(name: string): void {
    this.stop();
    this.#name = name;
    this.#started = performance.now();
    log(`\nbench: ${name} ...`);
  }
  stop(): void {
    if (!this.#name) return;
    this.done.push({ name: this.#name, seconds: (performance.now() - this.#started) / 1000 });
    this.#name = '';
  }
}

interface BundlePhase {
  readonly bundles: BuiltBundle[];
  readonly baseline: BuiltBundle;
  readonly init: { baseline: InitTiming; functions: InitTiming[] } | undefined;
}

async function bundlePhase(phases: Phases): Promise<BundlePhase> {
  phases.start('bundles (build)');
  const dir = bundleDirectory();
  const baseline = await buildBundle(baselineId, { source: baselineSource }, dir);
  const bundles: BuiltBundle[] = [];
  for (const fn of benchFunctions) bundles.push(await tryBuildBundle(fn.id, fn.entry, dir));
  for (const b of bundles) {
    log(
      `  ${b.id}: ${(b.bytes / 1024).toFixed(0)} KiB, ${(b.gzipBytes / 1024).toFixed(0)} KiB gzip${withinSize(b) ? '' : ' (over the size budget)'}`,
    );
  }
  phases.start(`bundles (init, ${settings.initRounds} interleaved rounds)`);
  const init = await measureInit(
    bundles.filter((b) => !b.error),
    baseline,
    settings.initRounds,
    (round) => log(`  round ${round}/${settings.initRounds}`),
  );
  rmSync(dir, { recursive: true, force: true });
  log(`  baseline ${ms(init.baseline.spread.median)} ms`);
  for (const t of init.functions)
    log(`  ${t.id}: ${ms(t.spread.median)} ms, ${t.ratio.toFixed(2)}×${t.error ? ` (${t.error})` : ''}`);
  return { bundles, baseline, init };
}

/** Waits for the event sources to catch up, printing progress; throws after `maxMs`. */
async function drainWithProgress(stack: LocalStack, events: EventSourceLog, maxMs: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    try {
      await stack.drained(15_000);
      return (performance.now() - started) / 1000;
    } catch {
      const seconds = (performance.now() - started) / 1000;
      if (seconds * 1000 > maxMs)
        throw new Error(`the stream did not catch up within ${maxMs / 60_000} minutes`);
      log(
        `  stream: the notifier has received ${int(events.records.get('Notifier') ?? 0)} records so far, the table-maintenance consumer ${int(events.records.get('TicketRemoved') ?? 0)} (${seconds.toFixed(0)} s)`,
      );
    }
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const phases = new Phases();
  const notes: string[] = [];
  const verdicts: string[] = [];
  let failed = false;
  let stack: LocalStack | undefined;
  const watchdog = setTimeout(() => {
    console.error(`bench: still running after ${settings.overallMaxMs / 60_000} minutes; stopping.`);
    void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(1));
  }, settings.overallMaxMs);
  watchdog.unref();
  const machineText = machine();
  log(`bench: ${quick ? 'quick' : 'full'} run on ${machineText}`);

  let bundles: BundlePhase | undefined;
  let calls: CallsResult | undefined;
  const loads: { tickets: number; load: LoadResult; drainSeconds: number }[] = [];
  const scaleSizes: { tickets: number; results: ScaleResult[] }[] = [];
  const mail: MailReport[] = [];
  let handlers: FunctionTiming[] = [];
  let summaries: Summary[] = [];
  const events = new EventSourceLog(['Notifier', 'ImageUploaded', 'TicketRemoved']);

  try {
    if (!skipBundles) bundles = await bundlePhase(phases);
    if (!onlyBundles) {
      phases.start('local stack');
      process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
      // The bench asks one requester for more approvals in an hour than the deployed quota allows (it needs 20
      // approval links): quotas as high as the integration tests' (test/integration/global-setup.ts).
      stack = await startLocalStack({
        ports: 'free',
        quiet: false,
        log: events.line,
        deliveries: { quotas: { approvalRequestsPerRequesterPerHour: 1000, smsPerRecipientPerDay: 1000 } },
      });
      const running = stack;
      const clients = await import('#shared/platform/aws-clients.ts');
      const recorder = new CallRecorder();
      recorder.install('DynamoDB', clients.dynamoClient());
      recorder.install('Cognito', clients.cognitoClient());
      // Functions sign S3 and SQS requests themselves and send them with fetch (shared/platform/s3-signing.ts,
      // sqs-requests.ts).
      recorder.installFetch(running.urls.s3, running.urls.sqs);
      recorder.install('SES', clients.sesClient());
      recorder.install('SNS', clients.snsClient());
      const invoker = createInvoker(running, recorder);
      const patterns = readAccessPatterns();
      const accounts = await seedDemoAccounts();
      const account = (role: SeededAccount['role']) => {
        const found = accounts.find((a) => a.role === role);
        if (!found) throw new Error(`no demo ${role}`);
        return found;
      };
      const requester = account('requester');
      const agent = account('agent');
      const admin = account('admin');
      const logIn = async (who: SeededAccount) =>
        need(
          await invoker.http({
            method: 'POST',
            path: '/auth/login',
            json: { email: who.email, password: who.password },
          }),
          200,
          'log-in',
        ).body as { accessToken: string; refreshToken: string };
      const requesterTokens = await logIn(requester);
      const agentTokens = await logIn(agent);
      const adminTokens = await logIn(admin);
      const tokens = { requester: requesterTokens.accessToken, agent: agentTokens.accessToken };
      let created = 0;
      let loaded = 0;
      const drained = () => running.drained(120_000);

      phases.start(`calls (${settings.callsRepetitions} repetitions per request)`);
      events.begin('calls', recorder);
      calls = await measureCalls({
        stack: running,
        recorder,
        invoker,
        patterns,
        repetitions: settings.callsRepetitions,
        requester,
        agent,
        admin,
        tokens: { ...tokens, admin: adminTokens.accessToken, refresh: requesterTokens.refreshToken },
        onTicketCreated: () => created++,
      });
      events.end(recorder);
      summaries = calls.measurements.map(summarize);

      const scaleContext = { tokens, requesterId: requester.userId, agentId: agent.userId };
      const fixedTicket = (what: string, i: number) => ({
        title: `Scale ${what} ${String(i).padStart(4, '0')}`,
        description: `Measured by the scale bench: ${what}.`,
      });
      const countCreates = (request: BenchRequest, response: { status: number }) => {
        if (request.method === 'POST' && request.path === '/tickets' && response.status === 201) created++;
      };
      let links: string[] = [];
      let handlerLinks: string[] = [];

      for (const [index, size] of settings.sizes.entries()) {
        const tag = `${int(size)} tickets`;
        phases.start(`load to ${tag}`);
        const page = newestPageIds(settings.pagePerShard, Date.now());
        const toLoad = Math.max(0, size - created - loaded - page.ids.length);
        const load = await loadTickets({
          tableName: running.tableName,
          people: { requesterId: requester.userId, agentId: agent.userId },
          count: toLoad,
          first: loaded,
          maxMs: settings.loadMaxMs,
          log,
        });
        loaded += load.written;
        // The newest tickets: fixed sizes, the demo requester's, assigned to the demo agent, with every filter value
        // the list variants ask for, so every list's first page is full and alike at both sizes.
        const newest = await loadTickets({
          tableName: running.tableName,
          people: { requesterId: requester.userId, agentId: agent.userId },
          count: page.ids.length,
          first: loaded,
          maxMs: settings.loadMaxMs,
          log,
          ticketIds: page.ids,
          createdAtMs: (i) => page.createdAtMs[i] as number,
          overrides: newestTicketFields(scaleContext),
        });
        loaded += newest.written;
        log(
          `  loaded ${int(load.written + newest.written)} tickets in ${((load.ms + newest.ms) / 1000).toFixed(1)} s; waiting for the stream ...`,
        );
        const drainSeconds = await drainWithProgress(running, events, settings.drainMaxMs);
        loads.push({
          tickets: created + loaded,
          load: {
            written: load.written + newest.written,
            ms: load.ms + newest.ms,
            calls: load.calls + newest.calls,
            partialCalls: load.partialCalls + newest.partialCalls,
            retriedItems: load.retriedItems + newest.retriedItems,
          },
          drainSeconds,
        });

        phases.start(`requests at ${tag}`);
        const options = {
          invoker,
          recorder,
          patterns,
          repetitions: settings.scaleRepetitions,
          drained,
          onResponse: countCreates,
        };
        const lists = await measureScale(listRequests(invoker, scaleContext), options);

        // Approval tickets: their mails time the notifier, their links serve the approval requests.
        const wanted =
          index === 0
            ? Math.max(settings.mails, settings.scaleRepetitions + settings.handlerRepetitions + 2)
            : settings.scaleRepetitions;
        events.begin(`mail at ${tag}`, recorder);
        const approvals = await approvalTickets({
          invoker,
          sesStoreUrl: running.sesStoreUrl,
          token: tokens.requester,
          approverId: agent.userId,
          approverEmail: agent.email,
          count: wanted,
          paceMs: settings.mailPaceMs,
          waitMs: 60_000,
          ticket: (i) => fixedTicket('approval', i),
          onCreated: () => created++,
        });
        await drained();
        events.end(recorder);
        mail.push({
          tickets: created + loaded,
          latencies: approvals.latencies,
          paceMs: approvals.paceMs,
          missing: approvals.missingMails + approvals.failedPosts,
        });
        links = approvals.links.slice(0, settings.scaleRepetitions);
        if (index === 0) handlerLinks = approvals.links.slice(settings.scaleRepetitions);

        const newTicket = async (what: string) =>
          need(
            await invoker.http({
              method: 'POST',
              path: '/tickets',
              token: tokens.requester,
              json: fixedTicket(what, 0),
            }),
            201,
            'POST /tickets',
          ).body as { ticketId: string };
        const thread = await newTicket('thread');
        const commented = await newTicket('comments');
        const changing = await newTicket('changes');
        created += 3;
        for (const body of ['First details of the scale thread', 'Second details of the scale thread']) {
          need(
            await invoker.http({
              method: 'POST',
              path: `/tickets/${thread.ticketId}/comments`,
              token: tokens.requester,
              json: { body },
            }),
            201,
            'comment',
          );
        }
        let changes = 0;
        const requests: ScaleRequest[] = [
          {
            label: 'get (2 comments)',
            ref: { request: 'GET /tickets/{id}' },
            make: () => ({ method: 'GET', path: `/tickets/${thread.ticketId}`, token: tokens.requester }),
          },
          {
            label: 'create',
            ref: { request: 'POST /tickets' },
            make: (i) => ({
              method: 'POST',
              path: '/tickets',
              token: tokens.requester,
              json: fixedTicket('create', i),
            }),
          },
          {
            label: 'comment',
            ref: { request: 'POST /tickets/{id}/comments' },
            make: (i) => ({
              method: 'POST',
              path: `/tickets/${commented.ticketId}/comments`,
              token: tokens.requester,
              json: { body: `Scale comment ${String(i).padStart(4, '0')}` },
            }),
          },
          {
            label: 'status change (agent)',
            ref: { request: 'PATCH /tickets/{id}' },
            make: () => ({
              method: 'PATCH',
              path: `/tickets/${changing.ticketId}`,
              token: tokens.agent,
              json: { status: changes++ % 2 === 0 ? 'in_progress' : 'pending' },
            }),
          },
          {
            label: 'approval page',
            ref: { request: 'GET /approvals/{token}' },
            limit: links.length,
            make: () => ({ method: 'GET', path: links[0] as string }),
          },
          {
            label: 'approval decision',
            ref: { request: 'POST /approvals/{token}' },
            limit: links.length,
            make: (i) => ({
              method: 'POST',
              path: links[i] as string,
              // `version`: the page's hidden field (required); the bench's tickets are fresh, at version 1.
              form: { decision: 'approve', reason: '', version: '1' },
            }),
          },
        ];
        const rest = await measureScale(requests, options);
        scaleSizes.push({ tickets: loads.at(-1)?.tickets ?? size, results: [...lists, ...rest] });
        for (const r of [...lists, ...rest]) {
          log(
            `  ${r.label}: ${r.notSupported ?? `p50 ${ms(r.latency.median)} ms, p95 ${ms(r.latency.p95)} ms, ${r.read.median} RRU / ${r.write.median} WRU`}`,
          );
        }

        if (index === 0) {
          phases.start(`handler durations (${settings.handlerRepetitions} invocations each)`);
          await drained();
          handlers = await timeRouteHandlers({
            functions: benchFunctions,
            requests: {
              ...calls.handlerRequests,
              // An approval page that stays unused (the decisions below take the links before it).
              ShowApproval: () => ({ method: 'GET', path: handlerLinks.at(-1) as string }),
              DecideApproval: (i) => ({
                method: 'POST',
                path: handlerLinks[i + 1] as string,
                form: { decision: 'approve', reason: '', version: '1' },
              }),
            },
            invoker,
            repetitions: settings.handlerRepetitions,
            limits: { DecideApproval: Math.max(0, handlerLinks.length - 2) },
            drained,
            baseline: bareGetItemHandler(recorder, running.tableName, requester.userId),
            log,
          });
          created += settings.handlerRepetitions + 1;
          handlers.push(events.timing('Notifier', 'notifier', 'mail at 1,000 tickets', recorder));
          // The table-maintenance consumer counts the same phase's ticket changes (its batches of records).
          handlers.push(events.timing('TicketRemoved', 'ticketCleanup', 'mail at 1,000 tickets', recorder));
          // Image checks one at a time, nothing else running: their durations. On tickets of their own, made
          // before the timing starts: `calls.tickets.pictured` already holds the 20 pending images a ticket may have
          // (MAX_PENDING_IMAGES_PER_TICKET, shared/images/rules.ts; the handler phase's CreateImageUpload requests
          // above are never uploaded), so it refuses another. A fresh ticket per 20 checks stays under that cap and
          // under the 50 images a ticket takes in all (each check's upload leaves its image ready, not pending).
          const checkedTickets: { ticketId: string }[] = [];
          for (let n = 0; n < Math.ceil(settings.handlerRepetitions / MAX_PENDING_IMAGES_PER_TICKET); n++) {
            checkedTickets.push(await newTicket(`image checks ${n}`));
            created += 1;
          }
          await drained();
          events.begin('image checks', recorder);
          const png = pngBytes();
          for (let i = 0; i < settings.handlerRepetitions; i++) {
            const checked = checkedTickets[Math.floor(i / MAX_PENDING_IMAGES_PER_TICKET)] as {
              ticketId: string;
            };
            const asked = need(
              await invoker.http({
                method: 'POST',
                path: `/tickets/${checked.ticketId}/images`,
                token: tokens.requester,
                json: { contentType: 'image/png', fileName: `timed-${i}.png` },
              }),
              201,
              'image upload request',
            );
            await drained();
            await uploadImage(asked.body.upload, png);
            await drained();
          }
          events.end(recorder);
          handlers.push(events.timing('ImageUploaded', 'imageCheck', 'image checks', recorder));
        }
      }
      phases.stop();
    }
  } finally {
    clearTimeout(watchdog);
    phases.start('stopping the stack');
    await stack?.stop();
    phases.stop();
  }

  // ---- verdicts, cost, report ----
  if (bundles) {
    const overSize = bundles.bundles.filter((b) => !withinSize(b));
    verdicts.push(
      overSize.length === 0
        ? `Size: all ${bundles.bundles.length} functions ≤ ${budgets.minifiedKiB} KiB minified and ≤ ${budgets.gzipKiB} KiB gzip (largest ${Math.max(...bundles.bundles.map((b) => b.bytes / 1024)).toFixed(0)} KiB).`
        : `**Size: ${overSize.length} of ${bundles.bundles.length} functions over the budget**: ${overSize.map((b) => (b.error ? `${b.id} (build failed)` : `${b.id} ${(b.bytes / 1024).toFixed(0)} KiB / ${(b.gzipBytes / 1024).toFixed(0)} KiB gz`)).join(', ')}.`,
    );
    if (overSize.length > 0) failed = true;
    if (bundles.init) {
      const over = bundles.init.functions.filter((t) => t.error || !(t.ratio <= budgets.initRatio));
      const worst = [...bundles.init.functions].sort((a, b) => b.ratio - a.ratio)[0];
      verdicts.push(
        over.length === 0
          ? `Init: all ${bundles.init.functions.length} functions ≤ ${budgets.initRatio}× the bare DynamoDB baseline (${ms(bundles.init.baseline.spread.median)} ms); worst ${worst?.id} ${worst?.ratio.toFixed(2)}×.`
          : `**Init: ${over.length} of ${bundles.init.functions.length} functions over ${budgets.initRatio}× the baseline** (${ms(bundles.init.baseline.spread.median)} ms): ${over.map((t) => `${t.id} ${t.error ? 'import failed' : `${t.ratio.toFixed(2)}×`}`).join(', ')}.`,
      );
      if (over.length > 0) failed = true;
    }
  }
  let grown: string[] = [];
  if (scaleSizes.length === 2) {
    grown = capacityGrowth(scaleSizes[0]?.results ?? [], scaleSizes[1]?.results ?? []);
    const measured = (scaleSizes[1]?.results ?? []).filter((r) => !r.notSupported && r.count > 0).length;
    verdicts.push(
      grown.length === 0
        ? `Capacity: none of the ${measured} measured requests consumed more at ${int(scaleSizes[1]?.tickets ?? 0)} tickets than at ${int(scaleSizes[0]?.tickets ?? 0)}.`
        : `**Capacity grew with the table**: ${grown.join('; ')}.`,
    );
    if (grown.length > 0) failed = true;
  } else if (!onlyBundles) {
    verdicts.push('Capacity: not checked (--quick measures at 1,000 tickets only).');
  }
  for (const l of loads) {
    verdicts.push(
      `Load to ${int(l.tickets)} tickets: ${(l.load.ms / 1000).toFixed(0)} s BatchWriteItem (bound ${settings.loadMaxMs / 60_000} min), stream caught up after ${l.drainSeconds.toFixed(0)} s more (bound ${settings.drainMaxMs / 60_000} min).`,
    );
  }
  if (summaries.length) {
    const scans = summaries.reduce((total, s) => total + s.scans, 0);
    verdicts.push(
      scans === 0
        ? 'Scan: none, on any request, the notifier or the image check.'
        : `**Scan called ${scans} time(s)**.`,
    );
    const differing = summaries
      .map((s) => ({
        label: s.measurement.label,
        text: versusDocs(s.dynamoOps, s.measurement.expectation, s.measurement.count),
      }))
      .filter((d) => d.text.includes('differs'));
    verdicts.push(
      differing.length === 0
        ? 'docs/data-model.md: every request made the DynamoDB calls the access-pattern table states (where it states them).'
        : `docs/data-model.md differs for: ${differing.map((d) => d.label).join(', ')} (see the tables).`,
    );
  }

  // Durations and cost.
  const durations = new Map<string, Duration>();
  for (const t of handlers) {
    if (t.n > 0 && t.kind !== 'baseline')
      durations.set(t.id, { cpuMs: t.cpu.median, otherMs: t.idle.median });
  }
  const rows = costRows(summaries);
  const costs: FunctionCost[] = benchFunctions.map((fn) => {
    const own = rows.filter((row) => row.functionId === fn.id);
    const usage = own.length
      ? {
          rru: mean(own.map((r) => r.usage.rru)),
          wru: mean(own.map((r) => r.usage.wru)),
          emails: mean(own.map((r) => r.usage.emails)),
          httpApiRequests: fn.kind === 'route' ? 1 : 0,
        }
      : undefined;
    return functionCost(fn.id, durations.get(fn.id), usage);
  });
  if (handlers.length) {
    const cheapest = new Map<number, string[]>();
    const timed = costs.filter((c) => c.cheapestMb);
    for (const c of timed)
      cheapest.set(c.cheapestMb as number, [...(cheapest.get(c.cheapestMb as number) ?? []), c.id]);
    const untimed = costs.filter((c) => !c.duration).map((c) => c.id);
    verdicts.push(
      `Cheapest memory: ${[...cheapest.entries()]
        .map(
          ([mb, ids]) =>
            `${mb} MB for ${ids.length === timed.length ? `all ${ids.length} timed functions` : ids.join(', ')}`,
        )
        .join('; ')} (the model: CPU time scales with 1,769 ÷ memory, waiting does not).` +
        (untimed.length
          ? ` Not timed (no request for them in \`handlerRequests\` of scripts/bench/calls.ts yet): ${untimed.join(', ')}.`
          : ''),
    );
  }
  for (const m of mail) {
    const s = m.latencies;
    verdicts.push(
      `Approval mail at ${int(m.tickets)} tickets: p50 ${ms(median(s))} ms, p95 ${ms(percentile(s, 95))} ms over ${s.length} mails${m.missing ? `, ${m.missing} missing` : ''}.`,
    );
  }
  if (calls) {
    notes.push(
      `Listings on the small table: ${calls.listed.requester} items for the requester${calls.listed.requesterCursor ? ' and a next cursor' : ''}, ${calls.listed.agent} for the agent${calls.listed.agentCursor ? ' and a next cursor' : ''}.`,
      ...summaries
        .filter((s) => s.measurement.note)
        .map((s) => `${s.measurement.label}: ${s.measurement.note}.`),
      ...summaries
        .filter((s) => s.presigned > 0)
        .map(
          (s) =>
            `${s.measurement.label}: ${s.presigned} URL(s) presigned per request through the SDK client middleware (signed locally, nothing sent): not counted as S3 calls.`,
        ),
      calls.unattributed.length === 0
        ? 'Every handler call fell inside a request window or carried a notifier or image-check stack.'
        : `Handler calls made while no request was in flight (not counted): ${calls.unattributed.join('; ')}.`,
    );
    const errors = summaries.flatMap((s) =>
      [...s.errors.entries()].map(([e, n]) => `${s.measurement.label}: ${n}× ${e}`),
    );
    notes.push(
      errors.length === 0
        ? 'No SDK call failed.'
        : `SDK calls that failed (counted; AWS bills failed conditional writes too): ${errors.join('; ')}.`,
    );
  }
  notes.push(
    'Latencies are local emulator timings (DynamoDB Local on the JVM, cognito-local, the in-process gateway) on a shared machine: they compare requests and table sizes, not Lambda in AWS. Round trips in the cost model are those to the emulators.',
    'Capacity: DynamoDB Local reports single-item calls and queries by the AWS rules (0.5 RRU per eventually consistent 4 KB, 1 WRU per KB plus index writes); TransactWriteItems is modelled (2 WRU per item per KB, plus 1 WRU per KB of each index entry the write changes; an update touching no key or projected attribute of an index writes none), because DynamoDB Local reports transactions differently.',
    'Every loaded ticket has the same item size and list-index entry size, and the newest tickets of every list are loaded ones, so a list page reads the same bytes at every table size unless it reads more items.',
    "The load goes through the table's stream like any write: each local stream poller reads pages of up to 1,000 records and reads on while the stream returns any, so the stream catches up as fast as its slowest consumer. That is the table-maintenance consumer: each loaded ticket is a counted state and its requester's counters to write (DynamoDB Local takes about 1 ms per transaction write), and those writes are stream records the pollers read past too; the load's own BatchWriteItem calls share DynamoDB Local with it.",
    (() => {
      const entries = indexEntriesPerTicket({ requesterId: 'r', agentId: 'a' });
      const gb = (100_000 * (loadedItemBytes + entries * loadedIndexEntryBytes)) / 1e9;
      const tableGb = (100_000 * loadedItemBytes) / 1e9;
      const monthly = gb * prices.dynamoDbStoragePerGbMonth + tableGb * prices.dynamoDbPitrPerGbMonth;
      return (
        'Not included in costs: SMS (priced per country), Cognito (per monthly active user), S3 requests and storage, ' +
        `DynamoDB storage (100,000 loaded tickets of ${loadedItemBytes} B with ${num(entries)} index entries of ${loadedIndexEntryBytes} B each ≈ ${gb.toFixed(2)} GB: ` +
        `${usd(monthly)} a month with PITR), CloudWatch Logs, data transfer, INIT duration of cold starts, the notifier invocations for records that plan no message.`
      );
    })(),
  );

  const report = renderReport({
    info: {
      date: new Date().toISOString().slice(0, 10),
      commit: gitDescription(),
      machine: `${machineText}, ${os.loadavg()[0]?.toFixed(1)} at the end`,
      mode: quick ? 'Quick (--quick)' : 'Full',
      seconds: (performance.now() - started) / 1000,
      phases: phases.done,
    },
    verdicts,
    bundles: bundles
      ? {
          bundles: bundles.bundles,
          baseline: bundles.baseline,
          init: bundles.init,
          rounds: settings.initRounds,
        }
      : undefined,
    loads,
    scale: scaleSizes.length ? { sizes: scaleSizes, grown } : undefined,
    mail,
    handlers,
    costs: handlers.length ? costs : [],
    durations,
    summaries,
    notes,
    repetitions: {
      calls: settings.callsRepetitions,
      scale: settings.scaleRepetitions,
      handlers: settings.handlerRepetitions,
      initRounds: settings.initRounds,
    },
  });
  console.log(`\n${report.markdown}\n`);
  if (writeDocs) {
    const file = path.join(repoRoot, 'docs', 'benchmarks.md');
    writeSection(file, report.markdown);
    log(`bench: wrote its section of ${path.relative(process.cwd(), file)}.`);
  } else {
    log('bench: docs/benchmarks.md left alone (--quick or --no-docs; --docs writes it).');
  }
  log(
    `bench: ${quick ? 'quick' : 'full'} run done in ${((performance.now() - started) / 1000).toFixed(0)} s.`,
  );
  for (const verdict of verdicts) log(`  - ${verdict.replaceAll('**', '')}`);
  if (report.headline) log(`  - ${report.headline}`);
  if (failed) {
    log('bench: FAILED (see the verdicts above).');
    process.exitCode = 1;
  }
  await sleep(0);
}

main().catch((error: unknown) => {
  console.error('bench failed:', error);
  process.exitCode = 1;
});
