// Imports started from the console run in the background; their progress is kept here so the
// import page can show it live (it polls /connections/:name/imports/:id.json, or reloads
// itself without JavaScript). Jobs live in the serve process's memory.
import { randomBytes } from 'node:crypto';
import { isNotionSyncError } from '../../errors.ts';
import type { Engine, ImportPick, ImportResult } from '../../sync/index.ts';

export interface ImportJob {
  id: string;
  connection: string;
  state: 'running' | 'done' | 'failed';
  /** Per source: the phase it is in and the rows stored so far. */
  progress: Record<string, { phase: string; rows: number }>;
  result: ImportResult | null;
  /** The error code and message when the import could not run. */
  error: { code: string; message: string } | null;
}

export interface ImportJobs {
  start(connection: string, picks: ImportPick[]): ImportJob;
  get(id: string): ImportJob | null;
}

const MAX_JOBS = 1000;

export function createImportJobs(engine: Engine): ImportJobs {
  const jobs = new Map<string, ImportJob>();
  return {
    start(connection, picks) {
      if (jobs.size >= MAX_JOBS) jobs.delete(jobs.keys().next().value as string);
      const job: ImportJob = {
        id: randomBytes(12).toString('base64url'),
        connection,
        state: 'running',
        progress: {},
        result: null,
        error: null,
      };
      jobs.set(job.id, job);
      engine
        .import(connection, picks, {
          onProgress: (p) => {
            job.progress[p.source] = {
              phase: p.phase,
              rows: p.counts.created + p.counts.updated + p.counts.unchanged,
            };
          },
        })
        .then(
          (result) => {
            job.result = result;
            job.state = result.ok ? 'done' : 'failed';
          },
          (error: unknown) => {
            // Only our own errors' messages are shown: they name the problem and hold no secret.
            job.error = isNotionSyncError(error)
              ? { code: error.code, message: error.message }
              : { code: 'internal', message: 'The import failed; see the server log.' };
            job.state = 'failed';
          },
        );
      return job;
    },
    get: (id) => jobs.get(id) ?? null,
  };
}
