// `init --from-table`: a source's declared schema derived from its target table's columns — the
// SQL target's type mapping (targets/sql-table/column-mapping.ts) read backwards — merged with
// what the source declares itself (explicit wins). Pure: the catalog is read by the caller.
// Invariants: every derived property maps back onto its column when the table target syncs
// (a property is named like its column, or as `target.columns` names it); the key column is the
// sync key property; a column no Notion type can hold is a problem with its key path, never
// silently dropped; the title is the explicitly declared one, else the first text column that is
// neither the key nor a foreign key.
import type {
  DeclarableType,
  DeclaredSchemaInput,
  SourceConfig,
  TableTargetConfig,
} from '../../config/index.ts';
import { declaredTypeOf } from '../../config/index.ts';
import {
  type ColumnKind,
  columnNameOf,
  type TableCatalog,
  type TableColumn,
} from '../../targets/index.ts';

const DERIVED_TYPES: Partial<Record<ColumnKind, DeclarableType>> = {
  text: 'rich_text',
  json: 'rich_text',
  integer: 'number',
  number: 'number',
  boolean: 'checkbox',
  date: 'date',
  timestamp: 'date',
  text_array: 'multi_select',
  enum: 'select',
};

export interface SchemaProblem {
  path: string;
  message: string;
}

export interface TableSchemaInput {
  config: SourceConfig;
  /** Index of the source in `sources:` (for key paths). */
  index: number;
  catalog: TableCatalog;
  keyPropertyName: string;
  /** Qualified table name (as the catalog names it) → the source keeping it as its target. */
  tableSources: Map<string, string>;
}

type Derived = DeclaredSchemaInput[string];

/** Property name → column the derivation covers: `target.columns`, or every column by its name. */
function pairsOf(input: TableSchemaInput): [string, TableColumn | undefined, string][] {
  const target = input.config.target as TableTargetConfig;
  const at = `sources[${input.index}].target.columns`;
  if (target.columns)
    return Object.entries(target.columns).map(([name, column]) => [
      name,
      input.catalog.columns.find((c) => c.name === column),
      `${at}.${name}`,
    ]);
  return input.catalog.columns
    .filter((c) => c.name !== target.key && c.name !== target.updatedAt)
    .map((c) => [c.name, c, `sources[${input.index}].schema.${c.name}`]);
}

function deriveOne(
  input: TableSchemaInput,
  column: TableColumn,
  path: string,
): Derived | SchemaProblem {
  const fk = input.catalog.foreignKeys.find((f) => f.column === column.name);
  if (fk) {
    const source = input.tableSources.get(fk.table);
    if (source) return { type: 'relation', source };
    return {
      path,
      message: `column "${column.name}" references ${fk.table}, which no source keeps as its target: add a source with \`target: { table: ${fk.table}, … }\`, or declare this property under \`schema:\`.`,
    };
  }
  const type = DERIVED_TYPES[column.kind];
  if (!type)
    return {
      path,
      message: `column "${column.name}" (${column.declared}) of ${input.catalog.table} maps to no Notion property type: declare it under \`schema:\` (e.g. \`${column.name}: rich_text\`), or leave it out by naming the columns to sync in \`target.columns\`.`,
    };
  if (type === 'select' && column.options && column.options.length > 0)
    return { type, options: column.options };
  return type;
}

/** The schema derived from the table alone, the text properties in column order, and problems. */
function deriveFromColumns(input: TableSchemaInput) {
  const explicit = input.config.schema ?? {};
  const schema: DeclaredSchemaInput = { [input.keyPropertyName]: 'rich_text' };
  const texts: string[] = [];
  const problems: SchemaProblem[] = [];
  for (const [name, column, path] of pairsOf(input)) {
    if (Object.hasOwn(explicit, name)) continue;
    if (!column) {
      problems.push({
        path,
        message: `table ${input.catalog.table} has no column "${(input.config.target as TableTargetConfig).columns![name]}": fix the column name (columns: ${input.catalog.columns.map((c) => c.name).join(', ')}).`,
      });
      continue;
    }
    if (!(input.config.target as TableTargetConfig).columns && columnNameOf(name) !== name) {
      problems.push({
        path: `sources[${input.index}].target.columns`,
        message: `column "${name}" would not find its property again (properties match columns in snake_case): map it explicitly, e.g. \`columns: { "${name}": ${name} }\`.`,
      });
      continue;
    }
    const derived = deriveOne(input, column, path);
    if (typeof derived === 'object' && 'message' in derived) problems.push(derived);
    else {
      schema[name] = derived;
      const isText = column.kind === 'text' && derived === 'rich_text';
      if (isText && column.name !== (input.config.target as TableTargetConfig).key)
        texts.push(name);
    }
  }
  return { schema, texts, problems };
}

/**
 * The source's schema: derived from its table, with every explicitly declared property taking
 * precedence. The title is the declared one, else the first text column's property.
 */
export function deriveTableSchema(input: TableSchemaInput): {
  schema: DeclaredSchemaInput;
  problems: SchemaProblem[];
} {
  const { schema, texts, problems } = deriveFromColumns(input);
  const merged: DeclaredSchemaInput = { ...schema, ...(input.config.schema ?? {}) };
  const hasTitle = Object.values(merged).some((p) => declaredTypeOf(p) === 'title');
  if (!hasTitle) {
    const first = texts[0];
    if (first) merged[first] = 'title';
    else
      problems.push({
        path: `sources[${input.index}].schema`,
        message: `table ${input.catalog.table} has no text column besides the key to be the title: declare the title property, e.g. \`Name: title\`.`,
      });
  }
  return { schema: merged, problems };
}
