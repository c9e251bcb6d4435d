// Invariant: `config check` reports every problem at once — problems across sources (duplicate
// names, two properties mapped onto one column) come together with the other errors, not after
// them; a missing NOTION_TOKEN is a warning; a YAML alias bomb is a config error, not a crash.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.ts';

const DB = '0123456789abcdef0123456789abcdef';

function dirWith(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ns-config-'));
  writeFileSync(join(dir, 'notion-sync.config.yaml'), text);
  return dir;
}

describe('checks across sources', () => {
  it('reports a duplicate name together with the other errors, each with its line', () => {
    const cwd = dirWith(
      [
        'notion:',
        '  baseUrl: nope',
        'sources:',
        `  - { name: tasks, database: ${DB} }`,
        '  - { name: other, database: not-an-id }',
        `  - { name: Tasks, database: ${DB} }`,
      ].join('\n'),
    );
    const { errors } = loadConfig({ cwd, env: { NOTION_TOKEN: 't' } });
    expect(errors.map((e) => [e.path, e.line])).toEqual([
      ['notion.baseUrl', 2],
      ['sources[1].database', 5],
      ['sources[2].name', 6],
    ]);
    expect(errors[2]!.message).toContain('sources[0]');
  });

  it('refuses two properties mapped onto one column name, naming both', () => {
    const cwd = dirWith(
      [
        'sources:',
        `  - name: tasks`,
        `    database: ${DB}`,
        '    properties: { Status: status, Priority: Status }',
        `  - { name: list, database: ${DB}, properties: [Due date, due_date, Owner] }`,
      ].join('\n'),
    );
    const { errors, config } = loadConfig({ cwd, env: { NOTION_TOKEN: 't' } });
    expect(config).toBeUndefined();
    expect(errors.map((e) => e.path)).toEqual([
      'sources[0].properties.Priority',
      'sources[1].properties.due_date',
    ]);
    expect(errors[0]!.message).toContain('"Priority" and "Status"');
    expect(errors[1]!.message).toContain('"due_date" and "Due date"');
  });

  it('warns when NOTION_TOKEN is not set, and not when it is', () => {
    const cwd = dirWith('sources: []\n');
    const without = loadConfig({ cwd, env: {} });
    expect(without.errors).toEqual([]);
    expect(without.warnings.join('\n')).toContain('NOTION_TOKEN');
    expect(loadConfig({ cwd, env: { NOTION_TOKEN: 't' } }).warnings).toEqual([]);
  });

  it('a YAML alias bomb is config_unreadable', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 9; i++) {
      const prev = String.fromCharCode(97 + i);
      const next = String.fromCharCode(98 + i);
      lines.push(
        `${next}: &${next} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`,
      );
    }
    const cwd = dirWith(lines.join('\n'));
    expect(() => loadConfig({ cwd })).toThrow(
      expect.objectContaining({ code: 'config_unreadable' }),
    );
  });
});
