import type { Command } from 'commander';
import type { Config } from '../../config/index.ts';
import { nextScheduledRun } from '../../runner/index.ts';
import type { McpActivity, Store } from '../../store/index.ts';
import type { SourceStatus } from '../../sync/index.ts';
import type { CliContext } from '../context.ts';
import { withEngine } from '../open-engine.ts';
import { describeQueue, queueStatus } from './queue-status.ts';
import { describeRateBudgets, rateBudgetStatus } from './rate-budget-status.ts';

function gapText(status: SourceStatus): string {
  const gaps = status.gaps;
  if (!gaps) return 'none known';
  const parts = [
    gaps.cappedQueries > 0 ? `${gaps.cappedQueries} capped queries (continued in windows)` : '',
    gaps.incompleteValues > 0
      ? `${gaps.incompleteValues} incomplete values (rollups Notion reports incomplete)`
      : '',
    gaps.incompleteContent > 0 ? `${gaps.incompleteContent} pages with incomplete content` : '',
    gaps.missingFiles > 0 ? `${gaps.missingFiles} files not kept (notion-sync files list)` : '',
    gaps.unreachableMinutes > 0
      ? `${gaps.unreachableMinutes} created_time minutes with over 10,000 rows and no number or unique_id property to split them on (rows may be missing)`
      : '',
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
  const d = status.declared;
  const created = d
    ? `  created by init: database ${d.databaseId} (data source ${d.dataSourceId}) at ${d.createdAt}`
    : null;
  if (!s) {
    const hint = status.config.schema && !d ? 'init' : 'pull';
    return [
      `${status.name}: never pulled (run \`notion-sync ${hint} ${status.name}\`)`,
      `  schedule:       ${scheduleText(schedule)}`,
      ...(created ? [created] : []),
    ];
  }
  const run = status.lastRun;
  const counts = run
    ? Object.entries(run.counts)
        .filter(
          ([k, v]) =>
            v > 0 &&
            !k.startsWith('incomplete') &&
            k !== 'cappedQueries' &&
            k !== 'unreachableMinutes',
        )
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')
    : '';
  const lines = [
    `${status.name} (${s.kind === 'page' ? 'page tree' : 'data source'} ${s.notionId}, view ${s.viewName ?? '—'})`,
    ...(created ? [created] : []),
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
      `  outbox:         ${status.outbox.pending} pending, ${status.outbox.dead.length} dead${status.outbox.dead.length > 0 ? ' (see `notion-sync outbox list`: requeue, edit or drop them)' : ''}`,
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

const DAY_MS = 86_400_000;

function describeMcp(mcp: McpActivity, staged: number): string[] {
  if (mcp.calls === 0 && staged === 0) return [];
  const tools = Object.entries(mcp.byTool)
    .sort((a, b) => b[1] - a[1])
    .map(([tool, n]) => `${tool} ${n}`)
    .join(', ');
  return [
    'MCP',
    `  last 24 h:      ${mcp.calls} tool calls${mcp.errors > 0 ? ` (${mcp.errors} errors)` : ''}${tools ? ` — ${tools}` : ''}${mcp.lastCalledAt ? `; last at ${mcp.lastCalledAt}` : ''}`,
    `  staged edits:   ${staged} pending${staged > 0 ? ' (review with `notion-sync staged`)' : ''}`,
  ];
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
      const { statuses, schedules, webhooks, mcp, staged, budgets } = await withEngine(
        ctx,
        async ({ engine, store }) => {
          const statuses = await engine.status();
          const schedules = [];
          for (const s of statuses)
            schedules.push(await nextScheduledRun(store, s.config, config, Date.now()));
          return {
            statuses,
            schedules,
            webhooks: await webhookStatus(store, config),
            mcp: await store.mcpCalls.activity(new Date(Date.now() - DAY_MS).toISOString()),
            staged: (await store.staged.list({ state: 'pending' })).length,
            budgets: await rateBudgetStatus(store, Date.now()),
          };
        },
      );
      const queue =
        config.runner === 'distributed'
          ? await queueStatus(
              config,
              ctx.logger(),
              statuses.map((s) => ({ source: s.name, run: s.lastRun })),
            )
          : null;
      if (ctx.json) {
        ctx.printJson({
          ...(queue ? { queue } : {}),
          sources: statuses.map((s, i) => ({ ...s, schedule: schedules[i] ?? null })),
          webhooks,
          mcp: { last24h: mcp, stagedPending: staged },
          rateBudgets: budgets,
        });
        return;
      }
      if (statuses.length === 0)
        ctx.out('No sources configured: add one under `sources:` in notion-sync.config.yaml.');
      ctx.out(
        [
          ...(queue ? describeQueue(queue) : []),
          ...statuses.flatMap((s, i) => describe(s, schedules[i] ?? null)),
          ...describeWebhooks(webhooks),
          ...describeMcp(mcp, staged),
          ...describeRateBudgets(budgets, Date.now()),
        ].join('\n'),
      );
    });
}
