// While a write runs, the record maps of the workspace are wrapped so that the first touch of a
// record (read, write or delete) keeps a copy of it as it was. Records a write never reached
// cannot have changed, so a write costs copies of what it touched, not of the workspace.

import type { WorkspaceState } from '../state.ts';
import type { Workspace } from '../workspace.ts';

export const RECORD_KINDS = ['pages', 'blocks', 'databases', 'dataSources', 'comments'] as const;
type Kind = (typeof RECORD_KINDS)[number];
type Maps = Pick<WorkspaceState, Kind>;

/** The records before one write: `touched` ids, and `was` maps that answer for every id. */
export interface Captured {
  touched: Record<Kind, Set<string>>;
  was: Maps;
}

/**
 * A record as it was. A data source's `rowIds` (every row, in order) is left out: events about
 * rows come from the rows themselves, and copying it on every row edit would cost O(rows).
 */
function copyRecord<T extends object>(kind: Kind, record: T): T {
  if (kind !== 'dataSources') return structuredClone(record);
  const { rowIds: _, ...rest } = record as T & { rowIds: string[] };
  return { ...structuredClone(rest), rowIds: [] } as T;
}

function tracked<T extends object>(
  kind: Kind,
  target: Record<string, T>,
  copies: Map<string, T | undefined>,
) {
  const keep = (key: string | symbol) => {
    if (typeof key === 'string' && !copies.has(key))
      copies.set(key, Object.hasOwn(target, key) ? copyRecord(kind, target[key]!) : undefined);
  };
  return new Proxy(target, {
    get(map, key, receiver) {
      keep(key);
      return Reflect.get(map, key, receiver);
    },
    set(map, key, value, receiver) {
      keep(key);
      return Reflect.set(map, key, value, receiver);
    },
    deleteProperty(map, key) {
      keep(key);
      return Reflect.deleteProperty(map, key);
    },
  });
}

/** A map as it was: copies for touched ids, the live record for the rest. */
function before<T extends object>(
  live: () => Record<string, T>,
  copies: Map<string, T | undefined>,
) {
  return new Proxy({} as Record<string, T>, {
    get: (_, key) =>
      typeof key !== 'string' ? undefined : copies.has(key) ? copies.get(key) : live()[key],
  });
}

/** Runs `write` with tracking maps installed, then hands what it touched to `done`. */
export function recordChanges<T>(
  ws: Workspace,
  write: () => T,
  done: (captured: Captured) => void,
): T {
  const state = ws.state;
  const copies = Object.fromEntries(RECORD_KINDS.map((k) => [k, new Map()])) as Record<
    Kind,
    Map<string, never>
  >;
  const originals = Object.fromEntries(RECORD_KINDS.map((k) => [k, state[k]])) as Maps;
  for (const kind of RECORD_KINDS) {
    const map = originals[kind] as Record<string, object>;
    Object.assign(state, { [kind]: tracked(kind, map, copies[kind]) });
  }
  try {
    return write();
  } finally {
    Object.assign(state, originals);
    done({
      touched: Object.fromEntries(
        RECORD_KINDS.map((k) => [k, new Set(copies[k].keys())]),
      ) as Captured['touched'],
      was: Object.fromEntries(
        RECORD_KINDS.map((k) => [
          k,
          before(() => ws.state[k] as Record<string, object>, copies[k]),
        ]),
      ) as unknown as Maps,
    });
  }
}
