// Maps logical engine table names to their SQLite names (`records` → `ns_records`), so the engine
// never shares a name with a user's table. Only the known engine tables are renamed: aliases and
// user objects pass through untouched.
import {
  type KyselyPlugin,
  OperationNodeTransformer,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  SchemableIdentifierNode,
  type TableNode,
  type UnknownRow,
} from 'kysely';
import { ENGINE_TABLES } from './schema.ts';

const ENGINE_TABLE_SET: ReadonlySet<string> = new Set(ENGINE_TABLES);

class TablePrefixTransformer extends OperationNodeTransformer {
  readonly #prefix: string;

  constructor(prefix: string) {
    super();
    this.#prefix = prefix;
  }

  protected override transformTable(node: TableNode): TableNode {
    const transformed = super.transformTable(node);
    const { schema, identifier } = transformed.table;
    if (schema || !ENGINE_TABLE_SET.has(identifier.name)) return transformed;
    return {
      ...transformed,
      table: SchemableIdentifierNode.create(`${this.#prefix}${identifier.name}`),
    };
  }
}

export class TablePrefixPlugin implements KyselyPlugin {
  readonly #transformer: TablePrefixTransformer;

  constructor(prefix: string) {
    this.#transformer = new TablePrefixTransformer(prefix);
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node, args.queryId);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
