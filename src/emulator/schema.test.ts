import type { APIResponseError, Client } from '@notionhq/client';
import { beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from './index.ts';
import { createDataSource, rejectionOf } from './test-support.ts';

type Props = Record<string, Record<string, unknown>>;
const title = (content: string) => ({ title: [{ text: { content } }] });
const propsOf = (page: unknown): Props => (page as { properties: Props }).properties;

describe('schemas, relations, rollups and formulas', () => {
  let emu: Emulator;
  let notion: Client;

  beforeEach(async () => {
    emu = await createEmulator();
    notion = emu.client();
  });

  it('adds, renames and deletes properties; select options sent replace the list', async () => {
    const dsId = await createDataSource(notion, emu.rootPageId, {
      Name: { title: {} },
      Stage: { select: { options: [{ name: 'a' }, { name: 'b' }] } },
    });
    const [row] = emu.control.bulkCreatePages(dsId, [
      { Name: title('r'), Stage: { select: { name: 'b' } } },
    ]);
    const before = await notion.dataSources.retrieve({ data_source_id: dsId });
    const stageId = (before.properties.Stage as { id: string }).id;
    const updated = await notion.dataSources.update({
      data_source_id: dsId,
      properties: {
        Stage: { name: 'Phase', select: { options: [{ name: 'a' }, { name: 'c' }] } },
        Score: { number: { format: 'percent' } },
      },
    });
    expect(Object.keys(updated.properties).sort()).toEqual(['Name', 'Phase', 'Score']);
    expect((updated.properties.Phase as { id: string }).id).toBe(stageId);
    const options = (updated.properties.Phase as { select: { options: { name: string }[] } }).select
      .options;
    expect(options.map((o) => o.name)).toEqual(['a', 'c']);
    expect(propsOf(await notion.pages.retrieve({ page_id: row! })).Phase).toMatchObject({
      select: null,
    });
    await notion.dataSources.update({ data_source_id: dsId, properties: { Score: null } });
    const after = await notion.dataSources.retrieve({ data_source_id: dsId });
    expect(Object.keys(after.properties).sort()).toEqual(['Name', 'Phase']);
    const bad = await rejectionOf(
      notion.dataSources.update({ data_source_id: dsId, properties: { Name: null } }),
    );
    expect((bad as APIResponseError).code).toBe('validation_error');
  });

  it('adds an unknown select name as a new option when a page is written', async () => {
    const dsId = await createDataSource(notion, emu.rootPageId, {
      Name: { title: {} },
      Tag: { multi_select: {} },
    });
    await notion.pages.create({
      parent: { data_source_id: dsId },
      properties: { Name: title('x'), Tag: { multi_select: [{ name: 'new' }, { name: 'other' }] } },
    });
    const ds = await notion.dataSources.retrieve({ data_source_id: dsId });
    const names = (ds.properties.Tag as { multi_select: { options: { name: string }[] } })
      .multi_select.options;
    expect(names.map((o) => o.name)).toEqual(['new', 'other']);
  });

  it('keeps dual relations in step and rolls up over them', async () => {
    const projects = await createDataSource(
      notion,
      emu.rootPageId,
      { Name: { title: {} } },
      'Projects',
    );
    const tasks = await createDataSource(notion, emu.rootPageId, {
      Name: { title: {} },
      Hours: { number: {} },
      Project: {
        relation: { data_source_id: projects, dual_property: { synced_property_name: 'Tasks' } },
      },
    });
    const projectSchema = await notion.dataSources.retrieve({ data_source_id: projects });
    expect(projectSchema.properties.Tasks).toMatchObject({
      type: 'relation',
      relation: { data_source_id: tasks, type: 'dual_property' },
    });
    await notion.dataSources.update({
      data_source_id: projects,
      properties: {
        Total: {
          rollup: {
            relation_property_name: 'Tasks',
            rollup_property_name: 'Hours',
            function: 'sum',
          },
        },
        Count: {
          rollup: {
            relation_property_name: 'Tasks',
            rollup_property_name: 'Hours',
            function: 'count',
          },
        },
        Avg: {
          rollup: {
            relation_property_name: 'Tasks',
            rollup_property_name: 'Hours',
            function: 'average',
          },
        },
        Max: {
          rollup: {
            relation_property_name: 'Tasks',
            rollup_property_name: 'Hours',
            function: 'max',
          },
        },
        All: {
          rollup: {
            relation_property_name: 'Tasks',
            rollup_property_name: 'Hours',
            function: 'show_original',
          },
        },
      },
    });
    const [project] = emu.control.bulkCreatePages(projects, [{ Name: title('P') }]);
    const hours = [2, 3, 7];
    const taskIds = emu.control.bulkCreatePages(
      tasks,
      hours.map((h) => ({
        Name: title(`t${h}`),
        Hours: { number: h },
        Project: { relation: [{ id: project! }] },
      })),
    );
    const props = propsOf(await notion.pages.retrieve({ page_id: project! }));
    expect((props.Tasks as { relation: { id: string }[] }).relation.map((r) => r.id)).toEqual(
      taskIds,
    );
    expect(props.Total).toMatchObject({ rollup: { type: 'number', number: 12, function: 'sum' } });
    expect(props.Count).toMatchObject({ rollup: { number: 3 } });
    expect(props.Avg).toMatchObject({ rollup: { number: 4 } });
    expect(props.Max).toMatchObject({ rollup: { number: 7 } });
    expect((props.All as { rollup: { array: unknown[] } }).rollup.array).toEqual(
      hours.map((h) => ({ type: 'number', number: h })),
    );
    const wrongTarget = await rejectionOf(
      notion.pages.update({
        page_id: taskIds[1]!,
        properties: { Project: { relation: [{ id: taskIds[2]! }] } },
      }),
    );
    expect((wrongTarget as APIResponseError).code).toBe('validation_error');
    await notion.pages.update({ page_id: taskIds[0]!, properties: { Project: { relation: [] } } });
    const later = propsOf(await notion.pages.retrieve({ page_id: project! }));
    expect((later.Tasks as { relation: unknown[] }).relation).toHaveLength(2);
    expect(later.Total).toMatchObject({ rollup: { number: 10 } });
  });

  it('evaluates formulas and falls back to an empty value instead of failing', async () => {
    const dsId = await createDataSource(notion, emu.rootPageId, {
      Name: { title: {} },
      Price: { number: {} },
      Qty: { number: {} },
      Done: { checkbox: {} },
      Total: { formula: { expression: 'prop("Price") * prop("Qty")' } },
      Label: { formula: { expression: 'concat(prop("Name"), " x", format(prop("Qty")))' } },
      Plus: { formula: { expression: 'prop("Name") + "!"' } },
      Big: {
        formula: { expression: 'if(prop("Price") >= 10 and not prop("Done"), "big", "small")' },
      },
      Odd: { formula: { expression: 'dateBetween(now(), prop("Name"), "days")' } },
      Broken: { formula: { expression: 'prop("Price" +' } },
    });
    const page = await notion.pages.create({
      parent: { data_source_id: dsId },
      properties: { Name: title('Widget'), Price: { number: 12 }, Qty: { number: 3 } },
    });
    const props = propsOf(page);
    expect(props.Total).toMatchObject({ formula: { type: 'number', number: 36 } });
    expect(props.Label).toMatchObject({ formula: { type: 'string', string: 'Widget x3' } });
    expect(props.Plus).toMatchObject({ formula: { type: 'string', string: 'Widget!' } });
    expect(props.Big).toMatchObject({ formula: { type: 'string', string: 'big' } });
    expect(props.Odd).toMatchObject({ formula: { type: 'string', string: null } });
    expect(props.Broken).toMatchObject({ formula: { type: 'string', string: null } });
    const filtered = await notion.dataSources.query({
      data_source_id: dsId,
      filter: { property: 'Total', formula: { number: { greater_than: 30 } } },
    });
    expect(filtered.results).toHaveLength(1);
  });
});
