// The three-way, per-property merge of push (DESIGN.md §5). Invariants:
// - only properties the local side set are considered; every other property keeps Notion's value;
// - one side changed → take it; both changed to the same value → nothing to do; both changed
//   differently → a conflict, never a silent overwrite (the policy decides, see push-policy.ts);
// - without a base (a create whose page turned up by its sync key) any difference is a conflict.
import { stableStringify } from '../../shared/index.ts';
import type { JsonValue } from '../store-api.ts';

/** Empty text and null are the same value to Notion. */
function normalize(value: JsonValue | undefined): JsonValue {
  if (value === undefined || value === '') return null;
  if (Array.isArray(value) && value.length === 0) return null;
  return value;
}

/** True when two plain property values mean the same thing in Notion. */
export function sameValue(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return stableStringify(normalize(a)) === stableStringify(normalize(b));
}

export interface PropertyConflict {
  propertyId: string;
  base: JsonValue | null;
  notion: JsonValue | null;
  local: JsonValue | null;
}

export interface MergeResult {
  /** Properties to write (local value), by property id. */
  writes: Record<string, JsonValue>;
  conflicts: PropertyConflict[];
}

/**
 * Merges the locally set values against the base (null: no common ancestor) and Notion's live
 * values, all keyed by property id.
 */
export function mergeProperties(
  set: Record<string, JsonValue>,
  base: Record<string, JsonValue> | null,
  live: Record<string, JsonValue>,
): MergeResult {
  const writes: Record<string, JsonValue> = {};
  const conflicts: PropertyConflict[] = [];
  for (const [propertyId, local] of Object.entries(set)) {
    const notion = live[propertyId] ?? null;
    if (sameValue(notion, local)) continue;
    const baseValue = base ? (base[propertyId] ?? null) : undefined;
    if (baseValue !== undefined && sameValue(notion, baseValue)) writes[propertyId] = local;
    else conflicts.push({ propertyId, base: baseValue ?? null, notion, local });
  }
  return { writes, conflicts };
}
