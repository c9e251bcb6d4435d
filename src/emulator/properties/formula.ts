/**
 * A small evaluator for Notion formulas: property references `prop("Name")`, arithmetic,
 * comparison, `if()` / `? :`, boolean logic and string concatenation (`+`, `concat`) plus a few
 * common functions. Anything it does not understand yields an empty value of the inferred
 * type — never an exception to the caller.
 */
export type FormulaType = 'string' | 'number' | 'boolean' | 'date';
export type FormulaValue = string | number | boolean | { date: string } | null;

export interface FormulaEnv {
  /** The referenced property's value and type, or undefined when no such property exists. */
  prop(name: string): { type: FormulaType; value: FormulaValue } | undefined;
}

type Node =
  | { kind: 'literal'; value: FormulaValue }
  | { kind: 'prop'; name: string }
  | { kind: 'unary'; op: string; arg: Node }
  | { kind: 'binary'; op: string; left: Node; right: Node }
  | { kind: 'call'; name: string; args: Node[] };

class FormulaError extends Error {}

const TOKEN =
  /\s*(?:(\d+(?:\.\d+)?)|"((?:[^"\\]|\\.)*)"|([A-Za-z_][A-Za-z0-9_]*)|(==|!=|>=|<=|&&|\|\||[-+*/%^()<>,?:!]))/y;

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let index = 0;
  while (index < source.length) {
    if (/^\s*$/.test(source.slice(index))) break;
    TOKEN.lastIndex = index;
    const match = TOKEN.exec(source);
    if (!match) throw new FormulaError(`unexpected input at ${index}`);
    if (match[1] !== undefined) tokens.push(`#${match[1]}`);
    else if (match[2] !== undefined) tokens.push(`"${match[2].replace(/\\(.)/g, '$1')}`);
    else tokens.push(match[3] ?? match[4] ?? '');
    index = TOKEN.lastIndex;
  }
  return tokens;
}

const PRECEDENCE: Record<string, number> = {
  '||': 1,
  or: 1,
  '&&': 2,
  and: 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '>': 4,
  '<=': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
  '^': 7,
};

function parse(source: string): Node {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = () => tokens[pos];
  const expect = (token: string) => {
    if (tokens[pos] !== token) throw new FormulaError(`expected ${token}`);
    pos += 1;
  };
  const primary = (): Node => {
    const token = tokens[pos++];
    if (token === undefined) throw new FormulaError('unexpected end');
    if (token === '(') {
      const inner = expression(0);
      expect(')');
      return inner;
    }
    if (token === '-' || token === '!' || token === 'not')
      return { kind: 'unary', op: token === '-' ? '-' : '!', arg: primary() };
    if (token.startsWith('#')) return { kind: 'literal', value: Number(token.slice(1)) };
    if (token.startsWith('"')) return { kind: 'literal', value: token.slice(1) };
    if (token === 'true' || token === 'false') return { kind: 'literal', value: token === 'true' };
    if (!/^[A-Za-z_]/.test(token)) throw new FormulaError(`unexpected ${token}`);
    expect('(');
    const args: Node[] = [];
    while (peek() !== ')') {
      args.push(expression(0));
      if (peek() === ',') pos += 1;
      else break;
    }
    expect(')');
    if (token === 'prop') {
      const first = args[0];
      if (first?.kind !== 'literal' || typeof first.value !== 'string')
        throw new FormulaError('prop needs a name');
      return { kind: 'prop', name: first.value };
    }
    return { kind: 'call', name: token, args };
  };
  const expression = (minPrecedence: number): Node => {
    let left = primary();
    for (;;) {
      const op = peek();
      if (op === '?' && minPrecedence === 0) {
        pos += 1;
        const then = expression(0);
        expect(':');
        const otherwise = expression(0);
        left = { kind: 'call', name: 'if', args: [left, then, otherwise] };
        continue;
      }
      const precedence = op === undefined ? undefined : PRECEDENCE[op];
      if (op === undefined || precedence === undefined || precedence < minPrecedence) break;
      pos += 1;
      const right = expression(op === '^' ? precedence : precedence + 1);
      left = { kind: 'binary', op, left, right };
    }
    return left;
  };
  const tree = expression(0);
  if (pos !== tokens.length) throw new FormulaError('trailing input');
  return tree;
}

const NUMBER_FUNCTIONS = new Set([
  'length',
  'toNumber',
  'abs',
  'round',
  'floor',
  'ceil',
  'min',
  'max',
  'sqrt',
]);
const _STRING_FUNCTIONS = new Set(['concat', 'format', 'lower', 'upper', 'join']);
const BOOLEAN_FUNCTIONS = new Set(['and', 'or', 'not', 'empty', 'contains']);

function infer(node: Node, env: FormulaEnv): FormulaType {
  switch (node.kind) {
    case 'literal':
      return typeof node.value === 'number'
        ? 'number'
        : typeof node.value === 'boolean'
          ? 'boolean'
          : 'string';
    case 'prop':
      return env.prop(node.name)?.type ?? 'string';
    case 'unary':
      return node.op === '-' ? 'number' : 'boolean';
    case 'binary':
      if (node.op === '+') {
        return infer(node.left, env) === 'string' || infer(node.right, env) === 'string'
          ? 'string'
          : 'number';
      }
      return ['-', '*', '/', '%', '^'].includes(node.op) ? 'number' : 'boolean';
    case 'call':
      if (node.name === 'if') return node.args[1] ? infer(node.args[1], env) : 'string';
      if (NUMBER_FUNCTIONS.has(node.name)) return 'number';
      if (BOOLEAN_FUNCTIONS.has(node.name)) return 'boolean';
      return 'string';
  }
}

function toText(value: FormulaValue): string {
  if (value === null) return '';
  if (typeof value === 'object') return value.date;
  return String(value);
}

function toNumber(value: FormulaValue): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  throw new FormulaError('not a number');
}

function truthy(value: FormulaValue): boolean {
  return value !== null && value !== false && value !== 0 && value !== '';
}

function compare(op: string, a: FormulaValue, b: FormulaValue): boolean {
  const left = typeof a === 'object' && a !== null ? Date.parse(a.date) : a;
  const right = typeof b === 'object' && b !== null ? Date.parse(b.date) : b;
  switch (op) {
    case '==':
      return left === right;
    case '!=':
      return left !== right;
    default: {
      if (left === null || right === null || typeof left !== typeof right)
        throw new FormulaError('incomparable');
      const l = left as number | string;
      const r = right as number | string;
      return op === '<' ? l < r : op === '>' ? l > r : op === '<=' ? l <= r : l >= r;
    }
  }
}

function arithmetic(op: string, a: FormulaValue, b: FormulaValue): FormulaValue {
  if (op === '+' && (typeof a === 'string' || typeof b === 'string')) return toText(a) + toText(b);
  const l = toNumber(a);
  const r = toNumber(b);
  const result =
    op === '+'
      ? l + r
      : op === '-'
        ? l - r
        : op === '*'
          ? l * r
          : op === '/'
            ? l / r
            : op === '%'
              ? l % r
              : l ** r;
  if (!Number.isFinite(result)) throw new FormulaError('not finite');
  return result;
}

function callFunction(name: string, args: FormulaValue[]): FormulaValue {
  const [a = null, b = null] = args;
  switch (name) {
    case 'concat':
    case 'join':
      return args.map(toText).join('');
    case 'format':
      return toText(a);
    case 'lower':
      return toText(a).toLowerCase();
    case 'upper':
      return toText(a).toUpperCase();
    case 'length':
      return toText(a).length;
    case 'toNumber':
      return toNumber(a);
    case 'abs':
      return Math.abs(toNumber(a));
    case 'round':
      return Math.round(toNumber(a));
    case 'floor':
      return Math.floor(toNumber(a));
    case 'ceil':
      return Math.ceil(toNumber(a));
    case 'sqrt':
      return Math.sqrt(toNumber(a));
    case 'min':
      return Math.min(...args.map(toNumber));
    case 'max':
      return Math.max(...args.map(toNumber));
    case 'and':
      return args.every(truthy);
    case 'or':
      return args.some(truthy);
    case 'not':
      return !truthy(a);
    case 'empty':
      return !truthy(a);
    case 'contains':
      return toText(a).includes(toText(b));
    default:
      throw new FormulaError(`unknown function ${name}`);
  }
}

function evaluate(node: Node, env: FormulaEnv): FormulaValue {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'prop': {
      const found = env.prop(node.name);
      if (!found) throw new FormulaError(`no property ${node.name}`);
      return found.value;
    }
    case 'unary': {
      const value = evaluate(node.arg, env);
      return node.op === '-' ? -toNumber(value) : !truthy(value);
    }
    case 'binary': {
      if (node.op === '&&' || node.op === 'and')
        return truthy(evaluate(node.left, env)) && truthy(evaluate(node.right, env));
      if (node.op === '||' || node.op === 'or')
        return truthy(evaluate(node.left, env)) || truthy(evaluate(node.right, env));
      const left = evaluate(node.left, env);
      const right = evaluate(node.right, env);
      if (['==', '!=', '<', '>', '<=', '>='].includes(node.op))
        return compare(node.op, left, right);
      return arithmetic(node.op, left, right);
    }
    case 'call':
      if (node.name === 'if') {
        const [condition, then, otherwise] = node.args;
        if (!condition || !then) throw new FormulaError('if needs arguments');
        if (truthy(evaluate(condition, env))) return evaluate(then, env);
        return otherwise ? evaluate(otherwise, env) : null;
      }
      return callFunction(
        node.name,
        node.args.map((arg) => evaluate(arg, env)),
      );
  }
}

function coerce(type: FormulaType, value: FormulaValue): FormulaValue {
  if (value === null) return null;
  if (type === 'string') return toText(value);
  if (type === 'number') return typeof value === 'number' ? value : null;
  if (type === 'boolean') return typeof value === 'boolean' ? value : null;
  return typeof value === 'object' ? value : null;
}

/** Evaluates `expression`; never throws (unsupported input → empty value of the inferred type). */
export function evaluateFormula(
  expression: string,
  env: FormulaEnv,
): { type: FormulaType; value: FormulaValue } {
  let tree: Node;
  try {
    tree = parse(expression);
  } catch {
    return { type: 'string', value: null };
  }
  let type: FormulaType = 'string';
  try {
    type = infer(tree, env);
    return { type, value: coerce(type, evaluate(tree, env)) };
  } catch {
    return { type, value: null };
  }
}
