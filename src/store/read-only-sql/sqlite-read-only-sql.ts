// SQLite side of read-only SQL: one child process (started on first use, reused) runs each
// statement; a statement that outlives its time limit gets the child killed (SQLite offers no
// other way to stop a running statement from outside), and the next one starts a fresh child.
import { type ChildProcess, fork } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NotionSyncError } from '../../errors.ts';
import { jsonCell, type ReadOnlySqlRunner, sqlRefused } from './read-only-sql.ts';

interface Reply {
  id: number;
  ok: boolean;
  columns?: string[];
  rows?: Record<string, unknown>[];
  truncated?: boolean;
  denied?: string[];
  message?: string;
}

const CHILD = new URL(
  `./sqlite-read-only-child${extname(fileURLToPath(import.meta.url))}`,
  import.meta.url,
);

export function createSqliteReadOnlySql(path: string): ReadOnlySqlRunner {
  interface Worker {
    process: ChildProcess;
    /** Replies awaited from this process (a killed one answers them all with a failure). */
    waiting: Map<number, (reply: Reply) => void>;
  }
  let child: Worker | null = null;
  let nextId = 1;

  function stop(worker: Worker): void {
    if (child === worker) child = null;
    worker.process.kill('SIGKILL');
  }

  function start(): Worker {
    const waiting = new Map<number, (reply: Reply) => void>();
    const started = fork(fileURLToPath(CHILD), [], {
      execArgv: ['--disable-warning=ExperimentalWarning'],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    started.on('message', (reply: Reply) => waiting.get(reply.id)?.(reply));
    const worker: Worker = { process: started, waiting };
    const fail = () => {
      if (child === worker) child = null;
      for (const [id, resolve] of waiting)
        resolve({ id, ok: false, message: 'the SQL process stopped' });
      waiting.clear();
    };
    started.on('exit', fail);
    started.on('error', fail);
    started.unref();
    started.channel?.unref();
    return worker;
  }

  return {
    async run(query, options) {
      if (path === ':memory:') {
        throw new NotionSyncError(
          'usage',
          'SQL queries need a store file or PostgreSQL; an in-memory SQLite store cannot be opened twice.',
        );
      }
      child ??= start();
      const worker = child;
      const id = nextId++;
      worker.process.channel?.ref();
      const reply = await new Promise<Reply | 'timeout'>((resolve) => {
        const timer = setTimeout(() => {
          worker.waiting.delete(id);
          stop(worker);
          resolve('timeout');
        }, options.timeoutMs);
        worker.waiting.set(id, (r) => {
          clearTimeout(timer);
          worker.waiting.delete(id);
          resolve(r);
        });
        const request = { id, path, sql: query, views: options.views, maxRows: options.maxRows };
        worker.process.send(request, (error) => {
          if (error)
            worker.waiting.get(id)?.({ id, ok: false, message: 'the SQL process stopped' });
        });
      }).finally(() => worker.process.channel?.unref());
      if (reply === 'timeout') {
        throw sqlRefused(
          `it ran longer than ${options.timeoutMs} ms and was stopped; add a LIMIT or a narrower WHERE.`,
          {
            timeoutMs: options.timeoutMs,
          },
        );
      }
      if (!reply.ok) {
        const denied = reply.denied ?? [];
        throw sqlRefused(
          denied.length > 0
            ? `it may only read the source views (${options.views.join(', ') || 'none yet: pull a source first'}); denied: ${[...new Set(denied)].join(', ')}.`
            : `${reply.message ?? 'the statement failed'}.`,
          { denied },
        );
      }
      return {
        columns: reply.columns ?? [],
        rows: (reply.rows ?? []).map((row) =>
          Object.fromEntries(Object.entries(row).map(([k, v]) => [k, jsonCell(v)])),
        ),
        truncated: reply.truncated ?? false,
      };
    },
    async close() {
      if (child) stop(child);
    },
  };
}
