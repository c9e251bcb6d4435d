// npm run bench:webhooks — two figures of `notion-sync serve`:
// 1. accepted webhook events per second with signature checks (HMAC over the raw body, dedupe
//    insert in a SQLite file store, 200 answer): in-process (`app.request`) and over a real
//    socket with 16 concurrent clients; plus forged (wrong signature) requests refused per second;
// 2. end-to-end lag from an edit in the emulator to the stored version with provenance
//    `webhook:<id>`: the emulator delivers signed events over a real socket to `serve`, whose
//    Notion client paces itself at 3 requests/s against an emulator that enforces 3/s.
//    Measured with the emulator's aggregation window at 0 (the pipeline alone) and at its
//    default 2 s (Notion batches events the same way, "typically within a minute").
// Options: --events N (default 5000), --edits N (default 20), --gap-ms M between edits (1000).
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readConfig } from '../src/config/index.ts';
import { createEmulator } from '../src/emulator/index.ts';
import { createDataSource } from '../src/emulator/test-support.ts';
import { createNotionClient } from '../src/notion/index.ts';
import { createServeService, signWebhookBody } from '../src/server/index.ts';
import { createStore } from '../src/store/index.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '5000' },
    edits: { type: 'string', default: '20' },
    'gap-ms': { type: 'string', default: '1000' },
  },
});
const TOKEN = 'secret_bench_verification_token';
const SECRET_KEY = Buffer.alloc(32, 5).toString('base64');

async function setupServe(aggregateMs: number, verificationToken?: string) {
  const emu = await createEmulator({
    rateLimit: { requestsPerSecond: 3, burst: 10 },
    webhooks: { aggregateMs },
  });
  const dsId = await createDataSource(emu.client(), emu.rootPageId, {
    Name: { title: {} },
    Count: { number: {} },
  });
  const ids = emu.control.bulkCreatePages(
    dsId,
    Array.from({ length: 50 }, (_, i) => ({
      Name: { title: [{ text: { content: `r${i}` } }] },
      Count: { number: i },
    })),
  );
  const store = await createStore({
    url: join(mkdtempSync(join(tmpdir(), 'webhooks-bench-')), 'bench.db'),
    secretKey: SECRET_KEY,
  });
  const notion = createNotionClient({
    token: emu.token,
    baseUrl: emu.baseUrl,
    fetch: emu.fetch,
    pacing: { requestsPerSecond: 3, burst: 5 },
  });
  const { config: defaults } = readConfig({
    cwd: mkdtempSync(join(tmpdir(), 'webhooks-bench-cfg-')),
    env: {},
  });
  const config = {
    ...defaults,
    sources: [{ name: 'bench', dataSource: dsId }],
    server: { ...defaults.server, port: 0 },
    webhooks: { verificationToken },
  };
  const service = createServeService({ config, store, notion });
  return { emu, ids, store, service };
}

function event(i: number, pageId: string) {
  return JSON.stringify({
    id: `bench-${i}-${Math.random().toString(36).slice(2)}`,
    timestamp: new Date().toISOString(),
    workspace_id: 'ws',
    integration_id: 'int',
    subscription_id: 'sub',
    type: 'page.properties_updated',
    authors: [],
    attempt_number: 1,
    api_version: '2026-03-11',
    entity: { id: pageId, type: 'page' },
    data: { parent: { id: 'elsewhere', type: 'database' } },
  });
}

async function acceptedPerSecond(count: number) {
  const { service, ids } = await setupServe(0, TOKEN);
  // Entities in no configured source: the processor records and ignores them, so the figure is
  // the receiver's (signature, dedupe insert, fsync) and not Notion's pacing.
  void ids;
  const bodies = Array.from({ length: count }, (_, i) => event(i, randomUUID()));
  const headers = (body: string, token = TOKEN) => ({
    'content-type': 'application/json',
    'x-notion-signature': signWebhookBody(body, token),
  });
  let started = performance.now();
  for (const body of bodies) {
    const response = await service.app.request('/webhooks/notion', {
      method: 'POST',
      body,
      headers: headers(body),
    });
    if (response.status !== 200) throw new Error(`status ${response.status}`);
  }
  const inProcess = count / ((performance.now() - started) / 1000);
  const { url } = await service.run();
  const socketBodies = Array.from({ length: count }, (_, i) =>
    event(count + i, ids[i % ids.length]!),
  );
  started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < socketBodies.length) {
        const body = socketBodies[next++]!;
        const response = await fetch(`${url}/webhooks/notion`, {
          method: 'POST',
          body,
          headers: headers(body),
        });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`status ${response.status}`);
      }
    }),
  );
  const overSocket = count / ((performance.now() - started) / 1000);
  started = performance.now();
  for (const body of bodies.slice(0, Math.min(count, 2000))) {
    const response = await service.app.request('/webhooks/notion', {
      method: 'POST',
      body,
      headers: headers(body, 'secret_wrong'),
    });
    if (response.status !== 401) throw new Error(`status ${response.status}`);
  }
  const forged = Math.min(count, 2000) / ((performance.now() - started) / 1000);
  await service.stop();
  return { inProcess, overSocket, forged };
}

async function endToEndLag(edits: number, gapMs: number, aggregateMs: number) {
  const { emu, ids, store, service } = await setupServe(aggregateMs);
  await service.engine.pull(['bench']);
  const { url } = await service.run();
  // The operator's handshake: the token arrives at serve, is verified in Notion and accepted.
  const sub = emu.control.webhooks.subscribe({ url: `${url}/webhooks/notion` });
  await emu.control.webhooks.idle();
  emu.control.webhooks.verify(sub.id, (await store.webhookTokens.readPending('default'))!);
  await store.webhookTokens.acceptPending('default');
  const lags: number[] = [];
  for (let i = 0; i < edits; i++) {
    const pageId = ids[i % ids.length]!;
    const [record] = await store.records.findByKey(pageId);
    const before = (await store.history.listVersions(record!.id)).length;
    const editedAt = performance.now();
    emu.control.editAsUser(pageId, { Count: { number: 10_000 + i } });
    for (;;) {
      const versions = await store.history.listVersions(record!.id);
      if (versions.length > before && versions.at(-1)!.trigger?.startsWith('webhook:')) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    lags.push(performance.now() - editedAt);
    await new Promise((r) => setTimeout(r, gapMs));
  }
  await service.stop();
  lags.sort((a, b) => a - b);
  const pick = (q: number) => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))]!;
  return { median: pick(0.5), p95: pick(0.95), max: lags.at(-1)! };
}

const count = Number(values.events);
const throughput = await acceptedPerSecond(count);
console.log(
  `| events | accepted/s in-process | accepted/s over a socket (16 clients) | forged refused/s |`,
);
console.log('|---:|---:|---:|---:|');
console.log(
  `| ${count} | ${throughput.inProcess.toFixed(0)} | ${throughput.overSocket.toFixed(0)} | ${throughput.forged.toFixed(0)} |`,
);
console.log('');
console.log('| aggregation window | edits | lag median | lag p95 | lag max |');
console.log('|---:|---:|---:|---:|---:|');
for (const aggregateMs of [0, 2000]) {
  const lag = await endToEndLag(Number(values.edits), Number(values['gap-ms']), aggregateMs);
  console.log(
    `| ${aggregateMs} ms | ${values.edits} | ${lag.median.toFixed(0)} ms | ${lag.p95.toFixed(0)} ms | ${lag.max.toFixed(0)} ms |`,
  );
}
process.exit(0);
