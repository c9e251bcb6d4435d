// Staged edits: changes proposed by an agent (MCP `stage_edit|stage_create|stage_delete`), kept
// in a table of their own until approved. Invariants: staging writes no version and no outbox
// row, so nothing staged is in a view, a target, `query` or Notion; values are checked like
// `set` when staged AND again when approved (the schema may have changed in between); approving
// turns the edit into an ordinary local edit through `engine.records`, which the next push sends;
// a failed approval leaves it pending with the reason.
import type { SourceConfig } from '../config/index.ts';
import { NotionSyncError } from '../errors.ts';
import type { PlainValue } from '../notion/index.ts';
import type { StagedEdit, StagedOp, StagedState } from '../store/index.ts';
import { refuseLocalFiles } from './files/local-files.ts';
import { checkLocalValues } from './property-input.ts';
import type { LocalEdit, RecordsApi } from './push/push-types.ts';
import { editableSource, findRecord } from './records-api.ts';
import type { JsonValue, Source, Store } from './store-api.ts';

export interface StageInput {
  source: string;
  op: StagedOp;
  /** Page id, URL or local key of the row (update, delete). */
  row?: string;
  /** Plain values keyed by property name (create, update). */
  values?: Record<string, JsonValue>;
  note?: string;
  /** Who proposed it, e.g. `mcp`. */
  stagedBy: string;
}

export interface StagedEditView extends StagedEdit {
  source: string;
  pageId: string | null;
  localKey: string | null;
}

export interface StagedEditsApi {
  stage(input: StageInput): Promise<StagedEditView>;
  list(options?: { state?: StagedState; source?: string }): Promise<StagedEditView[]>;
  get(id: number): Promise<StagedEditView>;
  /** Turns the edit into a local edit (version + outbox row); the next push sends it. */
  approve(id: number, decidedBy: string): Promise<{ staged: StagedEditView; edit: LocalEdit }>;
  reject(id: number, decidedBy: string): Promise<StagedEditView>;
}

export interface StagedEditsDeps {
  store: Store;
  sources: SourceConfig[];
  records: RecordsApi;
}

async function storedSource(store: Store, name: string): Promise<Source> {
  const source = await store.sources.getByName(name);
  if (!source) {
    throw new NotionSyncError(
      'store_not_found',
      `Source "${name}" has not been pulled yet; run \`notion-sync pull ${name}\` before staging edits to it.`,
      { details: { source: name } },
    );
  }
  return source;
}

/** The staged edits of a store, over the engine's records API. */
export function createStagedEdits(deps: StagedEditsDeps): StagedEditsApi {
  const { store } = deps;

  async function view(edit: StagedEdit): Promise<StagedEditView> {
    const source = await store.sources.get(edit.sourceId);
    const record = edit.recordId === null ? null : await store.records.get(edit.recordId);
    return {
      ...edit,
      source: source?.name ?? '?',
      pageId: record?.pageId ?? null,
      localKey: record?.localKey ?? null,
    };
  }

  async function mustGet(id: number): Promise<StagedEdit> {
    const edit = await store.staged.get(id);
    if (!edit) {
      throw new NotionSyncError(
        'store_not_found',
        `No staged edit #${id}; list them with \`notion-sync staged list\`.`,
        { details: { stagedId: id } },
      );
    }
    return edit;
  }

  async function decide(id: number, state: 'approved' | 'rejected', by: string) {
    const decided = await store.staged.decide(id, state, by);
    if (decided) return decided;
    const edit = await mustGet(id);
    throw new NotionSyncError(
      'store_invalid_state',
      `Staged edit #${id} was already ${edit.state}${edit.decidedBy ? ` by ${edit.decidedBy}` : ''}; only pending edits can be decided.`,
      { details: { stagedId: id, state: edit.state } },
    );
  }

  async function apply(edit: StagedEdit, source: Source): Promise<LocalEdit> {
    const values = edit.values as Record<string, PlainValue>;
    if (edit.op === 'create') return deps.records.create(source.name, values);
    const record = edit.recordId === null ? null : await store.records.get(edit.recordId);
    const ref = record?.pageId ?? record?.localKey ?? '';
    return edit.op === 'delete'
      ? deps.records.delete(source.name, ref)
      : deps.records.update(source.name, ref, values);
  }

  return {
    async stage(input) {
      editableSource(deps.sources, input.source);
      const source = await storedSource(store, input.source);
      const values = input.op === 'delete' ? {} : (input.values ?? {});
      if (input.op !== 'delete' && Object.keys(values).length === 0) {
        throw new NotionSyncError('value_invalid', 'Give at least one property value to stage.', {
          details: { source: input.source },
        });
      }
      refuseLocalFiles(values, 'a staged edit');
      checkLocalValues(source.schema, values as Record<string, PlainValue>);
      const record =
        input.op === 'create' ? null : await findRecord(store, source, input.row ?? '');
      const staged = await store.staged.add({
        sourceId: source.id,
        recordId: record?.id ?? null,
        op: input.op,
        values,
        note: input.note ?? null,
        stagedBy: input.stagedBy,
      });
      return view(staged);
    },

    async list(options = {}) {
      const source = options.source ? await store.sources.getByName(options.source) : null;
      if (options.source && !source) return [];
      const edits = await store.staged.list({
        ...(options.state ? { state: options.state } : {}),
        ...(source ? { sourceId: source.id } : {}),
      });
      return Promise.all(edits.map(view));
    },

    get: async (id) => view(await mustGet(id)),

    async approve(id, decidedBy) {
      const claimed = await decide(id, 'approved', decidedBy);
      const source = (await store.sources.get(claimed.sourceId))!;
      let edit: LocalEdit;
      try {
        edit = await apply(claimed, source);
      } catch (error) {
        await store.staged.reopen(id, error instanceof Error ? error.message : String(error));
        throw error;
      }
      await store.staged.linkOutbox(id, edit.outboxId);
      return { staged: await view({ ...claimed, outboxId: edit.outboxId }), edit };
    },

    reject: async (id, decidedBy) => view(await decide(id, 'rejected', decidedBy)),
  };
}
