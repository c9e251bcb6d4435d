import type { Command } from 'commander';
import type { Config } from '../../config/index.ts';
import { nextScheduledRun } from '../../runner/index.ts';
import type { Store } from '../../store/index.ts';
import type { SourceStatus } from '../../sync/index.ts';
import type { CliContext } from '../context.ts';
import { withEngine } from '../open-engine.ts';

function gapText(status: SourceStatus): string {
  const gaps = status.gaps;
  if (!gaps) return 'none known';
  const parts = [
    gaps.cappedQueries > 0 ? `${gaps.cappedQueries} capped queries (continued in windows)` : '',
    gaps.incompleteValues > 0
      ? `${gaps.incompleteValues} incomplete values (rollups Notion reports incomplete)`
      : '',
    gaps.incompleteContent > 0 ? `${gaps.incompleteContent} pages with incomplete content` : '',
    status.lastRun && status.lastRun.status !== 'ok'
      ? `last run ${status.lastRun.status}: ${status.lastRun.errors[0]?.message ?? ''}`
      : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join('; ') : 'none';
}

type ScheduleInfo = Awaited<ReturnType<typeof nextScheduledRun>>;

function scheduleText(schedule: ScheduleInfo): string {
  if (!schedule) return 'none (runs only when asked; set `schedule:` for `serve`)';
  return `${schedule.schedule} (${schedule.timezone}); next run ${schedule.nextRunAt ?? 'never'} under \`serve\``;
}

function describe(status: SourceStatus, schedule: ScheduleInfo): string[] {
  const s = status.source;
  if (!s)
    return [
      `${status.name}: never pulled (run \`notion-sync pull ${status.name}\`)`,
      `  schedule:       ${scheduleText(schedule)}`,
    ];
  const run = status.lastRun;
  const counts = run
    ? Object.entries(run.counts)
        .filter(([k, v]) => v > 0 && !k.startsWith('incomplete') && k !== 'cappedQueries')
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')
    : '';
  const lines = [
    `${status.name} (${s.kind === 'page' ? 'page tree' : 'data source'} ${s.notionId}, view ${s.viewName ?? '—'})`,
    `  access:         ${s.accessState}${s.accessReason ? ` — ${s.accessReason}` : ''}`,
    `  last run:       ${run ? `#${run.id} ${run.status} at ${run.finishedAt ?? run.startedAt}${counts ? ` (${counts})` : ''}` : 'none'}`,
    `  rows:           ${status.rows.live} live, ${status.rows.tombstoned} tombstoned`,
    `  cursor:         ${status.checkpoint?.cursor ?? 'none (next pull is a full pass)'}${status.checkpoint?.queryState ? ' (a full pass is in progress and will resume)' : ''}`,
    `  last reconcile: ${status.checkpoint?.lastCompleteReconcileAt ?? 'never'}`,
    `  schedule:       ${scheduleText(schedule)}`,
    `  schema changes: ${status.schemaChanges.length === 0 ? 'none' : ''}`,
  ];
  for (const c of status.schemaChanges.slice(-10)) {
    const what =
      c.change === 'renamed'
        ? `${c.before?.name} → ${c.after?.name}`
        : c.change === 'type_changed'
          ? `${c.after?.name}: ${c.before?.type} → ${c.after?.type}`
          : (c.after?.name ?? c.before?.name);
    lines.push(`    ${c.detectedAt} ${c.change} ${what}`);
  }
  lines.push(`  coverage gaps:  ${gapText(status)}`);
  if (status.outbox.pending > 0 || status.outbox.dead.length > 0 || status.openConflicts > 0) {
    lines.push(
      `  outbox:         ${status.outbox.pending} pending, ${status.outbox.dead.length} dead${status.outbox.dead.length > 0 ? ' (requeue with `notion-sync push --retry-dead`)' : ''}`,
    );
    for (const item of status.outbox.dead.slice(0, 10))
      lines.push(
        `    #${item.id} ${item.op} after ${item.attempts} attempts: ${item.lastError ?? ''}`,
      );
    lines.push(
      `  conflicts:      ${status.openConflicts} open${status.openConflicts > 0 ? ' (see `notion-sync conflicts`)' : ''}`,
    );
  }
  return lines;
}

async function webhookStatus(store: Store, config: Config) {
  const [lastReceived, events, failed, token] = await Promise.all([
    store.webhookEvents.lastReceived(),
    store.webhookEvents.countByState(),
    store.webhookEvents.listFailed(10),
    store.webhookTokens.state('default'),
  ]);
  const key = config.webhooks?.verificationToken
    ? 'NOTION_WEBHOOK_VERIFICATION_TOKEN'
    : token.acceptedAt
      ? `accepted ${token.acceptedAt}`
      : 'none (events are refused)';
  return {
    connections: [
      {
        name: 'default',
        lastReceivedAt: lastReceived.default ?? null,
        key,
        pendingTokenAt: token.pendingAt,
      },
    ],
    events,
    failed: failed.map(({ payload: _payload, ...event }) => event),
  };
}

function describeWebhooks(webhooks: Awaited<ReturnType<typeof webhookStatus>>): string[] {
  const lines = ['webhooks'];
  for (const c of webhooks.connections) {
    lines.push(`  ${c.name}: last received ${c.lastReceivedAt ?? 'never'}; key ${c.key}`);
    if (c.pendingTokenAt)
      lines.push(
        `    a verification token waits since ${c.pendingTokenAt}: \`notion-sync webhooks token\` shows it, --accept uses it`,
      );
  }
  const { pending, processed, failed } = webhooks.events;
  lines.push(`  events: ${processed} processed, ${pending} pending, ${failed} parked`);
  for (const event of webhooks.failed)
    lines.push(
      `    ${event.eventId} ${event.type} after ${event.attempts} attempts: ${event.lastError ?? ''}`,
    );
  return lines;
}

export function registerStatusCommand(program: Command, context: () => CliContext): void {
  program
    .command('status')
    .description('per source: last run, rows, tombstones, cursor, schema changes, coverage gaps')
    .action(async () => {
      const ctx = context();
      const config = ctx.config();
      const { statuses, schedules, webhooks } = await withEngine(ctx, async ({ engine, store }) => {
        const statuses = await engine.status();
        const schedules = [];
        for (const s of statuses)
          schedules.push(await nextScheduledRun(store, s.config, config, Date.now()));
        return { statuses, schedules, webhooks: await webhookStatus(store, config) };
      });
      if (ctx.json) {
        ctx.printJson({
          sources: statuses.map((s, i) => ({ ...s, schedule: schedules[i] ?? null })),
          webhooks,
        });
        return;
      }
      if (statuses.length === 0)
        ctx.out('No sources configured: add one under `sources:` in notion-sync.config.yaml.');
      ctx.out(
        [
          ...statuses.flatMap((s, i) => describe(s, schedules[i] ?? null)),
          ...describeWebhooks(webhooks),
        ].join('\n'),
      );
    });
}
