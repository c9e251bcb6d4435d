// Which Notion property goes to which column of the user's table, and whether the column can
// hold the property's values. Built from the config and the live catalog; every problem is
// reported at once with the config key path and what to change.
import type { TableTargetConfig } from '../../config/index.ts';
import { COMPUTED_TYPES } from '../../notion/index.ts';
import type { SchemaProperty, Source } from '../../store/index.ts';
import type { TargetProblem } from '../target.ts';
import type { ColumnKind, TableCatalog, TableColumn } from './table-catalog.ts';

export interface MappedColumn {
  property: SchemaProperty;
  column: TableColumn;
  /** Values go Notion → table (false for json columns: shown in Notion, read-only there). */
  toTable: boolean;
  /** Values go table → Notion (false for computed properties). */
  toNotion: boolean;
  /** A foreign key: the referenced table (another source's target) and its key column. */
  relation?: { table: string };
}

export interface TablePlan {
  table: string;
  key: TableColumn;
  /** The key column holds values the database generates (serial, identity, rowid). */
  keyGenerated: boolean;
  columns: MappedColumn[];
  updatedAt: TableColumn | null;
}

const TEXT: ColumnKind[] = ['text', 'enum'];
const COMPATIBLE: Record<string, ColumnKind[]> = {
  title: TEXT,
  rich_text: [...TEXT, 'json'],
  url: ['text'],
  email: ['text'],
  phone_number: ['text'],
  number: ['number', 'integer'],
  checkbox: ['boolean', 'integer'],
  date: ['date', 'timestamp', 'text'],
  select: TEXT,
  status: TEXT,
  multi_select: ['text_array', 'json'],
};
const COMPUTED_TARGETS: ColumnKind[] = [
  'text',
  'number',
  'integer',
  'boolean',
  'date',
  'timestamp',
  'json',
];

/** `Due Date` → `due_date`: how a property finds its column when `columns` does not name one. */
export function columnNameOf(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

function compatible(property: SchemaProperty, column: TableColumn): boolean {
  if (COMPUTED_TYPES.has(property.type)) return COMPUTED_TARGETS.includes(column.kind);
  return (COMPATIBLE[property.type] ?? []).includes(column.kind);
}

export interface PlanInput {
  config: TableTargetConfig;
  /** Config key path of the target, e.g. `sources[1].target`. */
  path: string;
  source: Source;
  catalog: TableCatalog | null;
  /** Name of the source's sync key property (it maps to the key column). */
  keyPropertyName: string;
  /** Tables other sources keep as their targets (qualified as the catalog names them). */
  targetTables: Set<string>;
}

function mapOne(
  input: PlanInput,
  property: SchemaProperty,
  column: TableColumn,
  problems: TargetProblem[],
  path: string,
): MappedColumn | null {
  const catalog = input.catalog!;
  if (property.type === 'relation') {
    const fk = catalog.foreignKeys.find((f) => f.column === column.name);
    if (!fk || !input.targetTables.has(fk.table)) {
      problems.push({
        path,
        message: `relation "${property.name}" needs column "${column.name}" to be a foreign key to a table another source keeps as its target${fk ? ` (it references ${fk.table}, which no source targets)` : ''}: add that source, or map the relation to another column.`,
      });
      return null;
    }
    return { property, column, toTable: true, toNotion: true, relation: { table: fk.table } };
  }
  if (!compatible(property, column)) {
    problems.push({
      path,
      message: `column "${column.name}" (${column.declared}) cannot hold the values of property "${property.name}" (${property.type}): map it to a column of type ${(COMPUTED_TYPES.has(property.type) ? COMPUTED_TARGETS : (COMPATIBLE[property.type] ?? ['—'])).join(' or ')}, or leave it out of \`target.columns\`.`,
    });
    return null;
  }
  return {
    property,
    column,
    toTable:
      column.kind !== 'json' ||
      property.type === 'multi_select' ||
      COMPUTED_TYPES.has(property.type),
    toNotion: !COMPUTED_TYPES.has(property.type),
  };
}

function keyProblems(input: PlanInput, key: TableColumn | undefined): TargetProblem[] {
  const { config, path, catalog } = input;
  if (!key) {
    return [
      {
        path: `${path}.key`,
        message: `table ${catalog!.table} has no column "${config.key}": name its unique key column (columns: ${catalog!.columns.map((c) => c.name).join(', ')}).`,
      },
    ];
  }
  if (!catalog!.uniqueColumns.includes(key.name)) {
    return [
      {
        path: `${path}.key`,
        message: `column "${key.name}" of ${catalog!.table} is not unique on its own: name a primary-key or uniquely indexed column as \`key\`.`,
      },
    ];
  }
  return [];
}

function explicitPairs(
  input: PlanInput,
  problems: TargetProblem[],
): [SchemaProperty, string, string][] {
  const all = Object.values(input.source.schema.properties);
  const pairs: [SchemaProperty, string, string][] = [];
  for (const [name, column] of Object.entries(input.config.columns ?? {})) {
    const property = all.find((p) => p.name === name);
    if (!property) {
      problems.push({
        path: `${input.path}.columns.${name}`,
        message: `the Notion database has no property "${name}" (properties: ${all.map((p) => p.name).join(', ')}): fix the name or remove the entry.`,
      });
    } else pairs.push([property, column, `${input.path}.columns.${name}`]);
  }
  return pairs;
}

function defaultPairs(input: PlanInput): [SchemaProperty, string, string][] {
  const skip = new Set([
    input.keyPropertyName,
    input.config.bookkeeping?.lastSynced,
    input.config.bookkeeping?.syncStatus,
  ]);
  const names = new Set(input.catalog!.columns.map((c) => c.name));
  return Object.values(input.source.schema.properties)
    .filter((p) => !skip.has(p.name) && names.has(columnNameOf(p.name)))
    .map((p) => [p, columnNameOf(p.name), `${input.path}.columns`]);
}

/** The mapping of a source onto its table, and every problem found. */
export function planTable(input: PlanInput): { plan: TablePlan | null; problems: TargetProblem[] } {
  const { config, path, catalog } = input;
  if (!catalog) {
    return {
      plan: null,
      problems: [
        {
          path: `${path}.table`,
          message: `table ${config.table} does not exist${config.urlEnv ? ` in the database of ${config.urlEnv}` : ' in the store database'}: create it, or fix \`table\` (schema.table on PostgreSQL).`,
        },
      ],
    };
  }
  const byName = new Map(catalog.columns.map((c) => [c.name, c]));
  const key = byName.get(config.key);
  const problems = keyProblems(input, key);
  const pairs = config.columns ? explicitPairs(input, problems) : defaultPairs(input);
  const columns: MappedColumn[] = [];
  for (const [property, columnName, at] of pairs) {
    const column = byName.get(columnName);
    if (!column) {
      problems.push({
        path: at,
        message: `table ${catalog.table} has no column "${columnName}" for property "${property.name}": fix the column name (columns: ${catalog.columns.map((c) => c.name).join(', ')}).`,
      });
    } else if (column.name === config.key) {
      problems.push({
        path: at,
        message: `column "${columnName}" is the key; it maps to the sync key property "${input.keyPropertyName}" already: remove this entry.`,
      });
    } else {
      const mapped = mapOne(input, property, column, problems, at);
      if (mapped) columns.push(mapped);
    }
  }
  const updatedAt = config.updatedAt ? (byName.get(config.updatedAt) ?? null) : null;
  if (
    config.updatedAt &&
    (!updatedAt || !['timestamp', 'date', 'integer', 'text'].includes(updatedAt.kind))
  ) {
    problems.push({
      path: `${path}.updatedAt`,
      message: updatedAt
        ? `column "${config.updatedAt}" (${updatedAt.declared}) is not a timestamp: name a timestamp column the application sets on every change, or remove \`updatedAt\`.`
        : `table ${catalog.table} has no column "${config.updatedAt}": fix \`updatedAt\` or remove it (scans then compare every row).`,
    });
  }
  if (problems.length > 0 || !key) return { plan: null, problems };
  return {
    plan: { table: catalog.table, key, keyGenerated: key.hasDefault, columns, updatedAt },
    problems,
  };
}
