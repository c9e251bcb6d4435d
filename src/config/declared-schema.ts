// The `schema:` a source may declare (what `notion-sync init` creates or updates in Notion), its
// `retention:`, and the checks that need every source at once (relations name a declared
// database source). Each problem is reported with its key path by `config check`.
import { z } from 'zod';

/** Property types a declaration may name (the ones Notion lets a data source be created with). */
export const DECLARABLE_TYPES = [
  'title',
  'rich_text',
  'number',
  'select',
  'multi_select',
  'status',
  'date',
  'people',
  'files',
  'checkbox',
  'url',
  'email',
  'phone_number',
  'relation',
  'formula',
  'created_time',
  'created_by',
  'last_edited_time',
  'last_edited_by',
  'unique_id',
] as const;
export type DeclarableType = (typeof DECLARABLE_TYPES)[number];

export const NUMBER_FORMATS = [
  'number',
  'number_with_commas',
  'percent',
  'dollar',
  'euro',
  'pound',
  'yen',
  'rupee',
  'won',
  'yuan',
] as const;

const typeSchema = z.enum(DECLARABLE_TYPES, {
  error: (issue) =>
    `"${String(issue.input)}" is not a Notion property type — use one of ${DECLARABLE_TYPES.join(', ')}`,
});

const optionList = z.array(z.string().min(1).max(100)).superRefine((options, ctx) => {
  const seen = new Set<string>();
  options.forEach((name, index) => {
    if (seen.has(name)) {
      ctx.addIssue({
        code: 'custom',
        path: [index],
        message: `duplicates the option "${name}": option names must be unique`,
      });
    }
    seen.add(name);
  });
});

const propertyObject = z
  .object({
    type: typeSchema,
    options: optionList.optional().describe('select, multi_select, status: the option names'),
    format: z.enum(NUMBER_FORMATS).optional().describe('number: the number format'),
    source: z.string().min(1).optional().describe('relation: the declared source it points at'),
    expression: z.string().min(1).optional().describe('formula: its expression'),
    renamedFrom: z
      .string()
      .min(1)
      .optional()
      .describe('the name this property had before (a rename, never a drop and re-create)'),
  })
  .strict()
  .superRefine((p, ctx) => {
    const misplaced = (key: string, types: string[]) =>
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `only applies to ${types.join(', ')} properties, not ${p.type}`,
      });
    if (p.options && !['select', 'multi_select', 'status'].includes(p.type))
      misplaced('options', ['select', 'multi_select', 'status']);
    if (p.format && p.type !== 'number') misplaced('format', ['number']);
    if (p.source && p.type !== 'relation') misplaced('source', ['relation']);
    if (p.expression && p.type !== 'formula') misplaced('expression', ['formula']);
    if (p.type === 'relation' && !p.source)
      ctx.addIssue({
        code: 'custom',
        path: ['source'],
        message: 'a relation needs `source:` — the name of the declared source it points at',
      });
    if (p.type === 'formula' && !p.expression)
      ctx.addIssue({
        code: 'custom',
        path: ['expression'],
        message: 'a formula needs `expression:`',
      });
  });

/** `Score: number` is short for `Score: { type: number }` (so errors have one key path). */
export type DeclaredPropertyInput = DeclarableType | z.output<typeof propertyObject>;
// Typed with the short form too: a library caller may pass `{ Name: 'title' }` directly.
export const declaredPropertySchema = z.preprocess(
  (value) => (typeof value === 'string' ? { type: value } : value),
  propertyObject,
) as unknown as z.ZodType<DeclaredPropertyInput>;

/** The field of a declared property that may not have parsed (checks run on raw input too). */
function fieldOf(property: unknown, key: 'type' | 'source' | 'renamedFrom'): string | undefined {
  if (typeof property === 'string') return key === 'type' ? property : undefined;
  if (property === null || typeof property !== 'object') return undefined;
  const value = (property as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

/** `renamedFrom` chains that cannot be applied: a swap or a cycle of renames, or a clash. */
function checkRenames(schema: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const from = (name: string) => fieldOf(schema[name], 'renamedFrom');
  for (const name of Object.keys(schema)) {
    const old = from(name);
    if (old === undefined) continue;
    if (old === name) {
      ctx.addIssue({
        code: 'custom',
        path: [name, 'renamedFrom'],
        message: 'names the property itself',
      });
      continue;
    }
    if (!Object.hasOwn(schema, old)) continue;
    // The old name is declared too: a cycle of renames (A←B, B←A) cannot be applied one at a time.
    const chain = [name, old];
    let next = from(old);
    while (next !== undefined && !chain.includes(next) && Object.hasOwn(schema, next)) {
      chain.push(next);
      next = from(next);
    }
    ctx.addIssue({
      code: 'custom',
      path: [name, 'renamedFrom'],
      message:
        next !== undefined && chain.includes(next)
          ? `the renames ${chain.join(' ← ')} ← ${next} form a cycle that cannot be created — rename in two steps (to a temporary name first)`
          : `"${old}" is still declared, so it cannot have been renamed to "${name}" — remove one of them`,
    });
  }
}

export const declaredSchemaSchema = z
  .record(z.string().min(1).max(100), declaredPropertySchema)
  .superRefine(
    (schema, ctx) => {
      if (schema === null || typeof schema !== 'object') return;
      checkRenames(schema, ctx);
      // No title at all is checked with the source: a table target's first text column may be it.
      const titles = Object.entries(schema).filter(([, p]) => fieldOf(p, 'type') === 'title');
      if (titles.length > 1) {
        ctx.addIssue({
          code: 'custom',
          message: `declares ${titles.length} title properties (${titles.map(([n]) => n).join(', ')}) — a Notion database has exactly one`,
        });
      }
    },
    // Runs beside the per-property errors, so `config check` reports every problem at once.
    { when: () => true },
  );
export type DeclaredSchemaInput = z.output<typeof declaredSchemaSchema>;

export const retentionSchema = z
  .object({
    keepVersions: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Versions kept per record (the newest ones; at least 1)'),
    keepDays: z.number().positive().optional().describe('Versions younger than this are kept'),
  })
  .strict();

/** True when the schema declares a title property (however it is written). */
export function declaresTitle(schema: Record<string, unknown>): boolean {
  return Object.values(schema).some((p) => fieldOf(p, 'type') === 'title');
}

/** The type a declared property names, whichever form it is written in. */
export function declaredTypeOf(property: DeclaredPropertyInput): DeclarableType {
  return typeof property === 'string' ? property : property.type;
}

interface SourceLike {
  name?: unknown;
  page?: unknown;
  database?: unknown;
  dataSource?: unknown;
  schema?: unknown;
}

/**
 * Relations must point at a database source of this config (by name). Runs on the raw file
 * data (`checkSources`), so it is reported beside every other problem.
 */
export function checkDeclaredRelations(
  input: unknown,
): { path: (string | number)[]; message: string }[] {
  if (!Array.isArray(input)) return [];
  const sources = input.filter((s): s is SourceLike => s !== null && typeof s === 'object');
  const byName = new Map(sources.map((s) => [s.name, s]));
  const problems: { path: (string | number)[]; message: string }[] = [];
  input.forEach((source: SourceLike | null, index) => {
    if (source === null || typeof source !== 'object') return;
    const schema = source.schema !== null && typeof source.schema === 'object' ? source.schema : {};
    for (const [name, property] of Object.entries(schema)) {
      const relationSource = fieldOf(property, 'source');
      if (fieldOf(property, 'type') !== 'relation' || !relationSource) continue;
      const message = relationProblem(relationSource, byName.get(relationSource), sources);
      if (message) problems.push({ path: ['sources', index, 'schema', name, 'source'], message });
    }
  });
  return problems;
}

function relationProblem(
  name: string,
  target: SourceLike | undefined,
  sources: SourceLike[],
): string | null {
  if (!target)
    return `relates to "${name}", which is not a source of this config — declare it under \`sources:\` (configured: ${sources.map((s) => String(s.name)).join(', ')})`;
  if (target.page)
    return `relates to "${name}", a page tree; a relation can only point at a database source`;
  if (!target.schema && !target.database && !target.dataSource)
    return `relates to "${name}", which names no database and declares no schema to create one`;
  return null;
}
