// The derivation rules of `init --from-table` on a catalog as the SQL target reads it: the title
// is the declared one, else the first text column that is neither key nor foreign key; explicit
// entries win; `target.columns` names the properties; foreign keys to untargeted tables and
// columns with no Notion type are problems with their key paths.
import { describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../config/index.ts';
import type { TableCatalog, TableColumn } from '../../targets/index.ts';
import { deriveTableSchema } from './table-schema.ts';

const column = (name: string, kind: TableColumn['kind'], declared = kind): TableColumn => ({
  name,
  kind,
  declared,
  notNull: false,
  hasDefault: false,
});

const catalog: TableCatalog = {
  table: 'students',
  columns: [
    column('id', 'integer'),
    column('team_id', 'text'),
    column('nickname', 'text'),
    column('name', 'text'),
    column('grade', 'number'),
    column('changed', 'timestamp'),
  ],
  uniqueColumns: ['id'],
  foreignKeys: [{ column: 'team_id', table: 'teams', referencedColumn: 'id' }],
};

function derive(config: Partial<SourceConfig>, tables = new Map([['teams', 'teams']])) {
  return deriveTableSchema({
    config: {
      name: 'students',
      direction: 'both',
      target: { table: 'students', key: 'id', updatedAt: 'changed' },
      ...config,
    } as SourceConfig,
    index: 3,
    catalog,
    keyPropertyName: 'row key',
    tableSources: tables,
  });
}

describe('deriveTableSchema', () => {
  it('maps every column but the key and updatedAt; the first plain text column is the title', () => {
    const { schema, problems } = derive({});
    expect(problems).toEqual([]);
    expect(schema).toEqual({
      'row key': 'rich_text',
      team_id: { type: 'relation', source: 'teams' },
      nickname: 'title',
      name: 'rich_text',
      grade: 'number',
    });
  });

  it('keeps a declared title and every explicit entry', () => {
    const { schema } = derive({
      schema: { name: 'title', grade: { type: 'number', format: 'percent' } },
    });
    expect(schema.name).toBe('title');
    expect(schema.nickname).toBe('rich_text');
    expect(schema.grade).toEqual({ type: 'number', format: 'percent' });
  });

  it('derives only the columns `target.columns` names, under its property names', () => {
    const { schema } = derive({
      target: { table: 'students', key: 'id', columns: { Name: 'name', Team: 'team_id' } },
    });
    expect(schema).toEqual({
      'row key': 'rich_text',
      Name: 'title',
      Team: { type: 'relation', source: 'teams' },
    });
  });

  it('reports a foreign key to a table no source keeps, with its key path', () => {
    const { problems } = derive({}, new Map());
    expect(problems).toEqual([expect.objectContaining({ path: 'sources[3].schema.team_id' })]);
    expect(problems[0]!.message).toContain('no source keeps as its target');
  });
});
