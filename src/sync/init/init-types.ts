// Types of `notion-sync init` / `engine.init`: the plan it prints and what applying it did.
import type { DeclaredSchemaInput } from '../../config/index.ts';

export type InitStepKind =
  | 'create_database'
  | 'add_property'
  | 'rename_property'
  | 'change_options'
  | 'change_format'
  | 'change_type'
  | 'change_relation'
  | 'change_expression'
  | 'remove_property';

export interface InitStep {
  kind: InitStepKind;
  source: string;
  /** The declared (or, for a removal, the live) property name. */
  property?: string;
  /** The Notion property id, once the property exists. */
  propertyId?: string;
  /** What the step does, e.g. `Score → Points`. */
  detail: string;
  /** What it does to existing values. */
  effect: string;
  /** Needs `--force`: it loses values (a removal, a lossy type change, removed options). */
  destructive: boolean;
}

export interface SourceInitPlan {
  source: string;
  /** `missing`: never created; `gone`: the recorded or configured database is not found (404). */
  state: 'exists' | 'missing' | 'gone';
  databaseId: string | null;
  dataSourceId: string | null;
  steps: InitStep[];
}

export interface InitPlan {
  sources: SourceInitPlan[];
  /** Steps applied without `--force`. */
  changes: InitStep[];
  /** Steps that need `--force`, listed separately. */
  destructive: InitStep[];
}

export interface InitOptions {
  /** Plan only: read Notion, change nothing. */
  plan?: boolean;
  /** Apply destructive steps too. */
  force?: boolean;
  /**
   * Derive the schema of each source with a table target from the table's columns (explicitly
   * declared properties win); `names` then selects among the sources with a target.
   */
  fromTable?: boolean;
}

export interface InitResult {
  plan: InitPlan;
  /** True when the plan was applied (false for `plan`). */
  applied: boolean;
  /** Steps applied, in order. */
  appliedSteps: InitStep[];
  /** Destructive steps left out (no `force`). */
  skipped: InitStep[];
  /** Sources whose database was created again: their old history was detached (a rebind). */
  rebound: string[];
  /** With `fromTable`: each selected source's derived schema (to commit as its `schema:`). */
  schemas?: Record<string, DeclaredSchemaInput>;
}

/** True when the live databases differ from the declaration (drift counts, destructive or not). */
export function isPlanPending(plan: InitPlan): boolean {
  return plan.changes.length > 0 || plan.destructive.length > 0;
}
