import { z } from 'zod';
import { declaration, listOptions, type OptionSpec } from './declaration.ts';

function secretInFileMessage(spec: OptionSpec): string {
  return `secrets are not read from the config file — remove it and set ${spec.env} in the environment`;
}

function fileLeaf(spec: OptionSpec): z.ZodType {
  if (spec.secret) return z.never({ error: secretInFileMessage(spec) }).optional();
  const meta: Record<string, unknown> = { description: spec.description };
  if (spec.default !== undefined) meta.default = spec.default;
  return spec.schema.optional().meta(meta);
}

function buildObject(node: object): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, child] of Object.entries(node)) {
    shape[name] =
      (child as OptionSpec).kind === 'option'
        ? fileLeaf(child as OptionSpec)
        : buildObject(child as object).optional();
  }
  return z.object(shape).strict();
}

/** Schema of the config file: every key optional (defaults fill in), unknown keys refused. */
export const fileSchema = buildObject(declaration);

/** JSON Schema of the config file, for editors (`notion-sync config schema`). */
export function renderJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(fileSchema, { io: 'input', unrepresentable: 'any' });
  return {
    ...schema,
    $id: 'https://github.com/notion-sync/notion-sync/config.schema.json',
    title: 'notion-sync configuration',
  };
}

function formatDefault(spec: OptionSpec): string {
  if (spec.defaultText) return spec.defaultText;
  if (spec.default === undefined) return '—';
  return `\`${JSON.stringify(spec.default)}\``;
}

/** The README's configuration reference table, generated from the declaration. */
export function renderConfigReference(): string {
  const rows = listOptions().map(({ key, spec, flag }) => {
    const fileKey = spec.secret ? '— (env only)' : `\`${key}\``;
    const env = spec.env ? `\`${spec.env}\`` : '—';
    const cli = flag ? `\`${flag}\`` : '—';
    return `| ${fileKey} | ${env} | ${cli} | ${formatDefault(spec)} | ${spec.description} |`;
  });
  return [
    '| file key | environment | flag | default | meaning |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
