/** One fault rule; see the README table of the control API. */
export interface FaultRule {
  method?: string;
  /** A route template (`POST /v1/pages`, `PATCH /v1/pages/{id}`) or a path prefix (`/v1/blocks`). */
  route?: string;
  status?: 500 | 502 | 503 | 504 | 529 | 409;
  /** Drop the connection instead of answering. */
  reset?: true;
  latencyMs?: number;
  /** Commit the write, then answer 504 or drop the connection. */
  applyThenFail?: 504 | 'reset';
  /** Chance per matching request (default 1), drawn from the seeded generator. */
  probability?: number;
  /** Fire at most this many times. */
  count?: number;
}

export interface FaultDecision {
  latencyMs: number;
  /** Fail before the handler runs. */
  before?: { status: number } | { reset: true };
  /** Run the handler, then fail. */
  after?: 504 | 'reset';
}

export interface FaultInjector {
  set(rules: readonly FaultRule[]): void;
  clear(): void;
  rules(): FaultRule[];
  /** `template` is the matched route's display template without the method (`/v1/pages/{id}`). */
  decide(method: string, path: string, template: string): FaultDecision;
}

/** mulberry32: small, fast and deterministic for a given seed. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A rule's route is either a route template (exact: `POST /v1/pages` does not match the move
 * route) or, when it names no route, a path prefix at a segment boundary (`/v1/blocks`).
 */
function matches(
  rule: FaultRule,
  method: string,
  path: string,
  template: string,
  templates: ReadonlySet<string>,
): boolean {
  if (rule.method && rule.method.toUpperCase() !== method) return false;
  if (!rule.route) return true;
  // `{page_id}` and `{id}` name the same segment.
  const route = rule.route
    .trim()
    .replace(/\{[a-z_]*_id\}/g, (m) => (m === '{property_id}' ? m : '{id}'));
  const [first, rest] = route.split(/\s+/, 2);
  if (rest !== undefined && first?.toUpperCase() !== method) return false;
  const rulePath = rest ?? route;
  if (rulePath === template) return true;
  if (rulePath.includes('{') || templates.has(rulePath)) return false;
  return path === rulePath || path.startsWith(rulePath.endsWith('/') ? rulePath : `${rulePath}/`);
}

/** Deterministic fault injection: the same seed and request sequence give the same faults. */
export function createFaultInjector(
  seed: number,
  templates: readonly string[] = [],
  initial: readonly FaultRule[] = [],
): FaultInjector {
  const known = new Set(templates);
  const random = createRandom(seed);
  let active: { rule: FaultRule; remaining: number }[] = [];
  const set = (rules: readonly FaultRule[]) => {
    active = rules.map((rule) => ({
      rule: { ...rule },
      remaining: rule.count ?? Number.POSITIVE_INFINITY,
    }));
  };
  set(initial);
  return {
    set,
    clear: () => set([]),
    rules: () => active.filter((a) => a.remaining > 0).map((a) => ({ ...a.rule })),
    decide(method, path, template) {
      const decision: FaultDecision = { latencyMs: 0 };
      for (const entry of active) {
        if (entry.remaining <= 0 || !matches(entry.rule, method, path, template, known)) continue;
        if (random() >= (entry.rule.probability ?? 1)) continue;
        entry.remaining -= 1;
        const { rule } = entry;
        decision.latencyMs += rule.latencyMs ?? 0;
        if (!decision.before && !decision.after) {
          if (rule.reset) decision.before = { reset: true };
          else if (rule.status) decision.before = { status: rule.status };
          else if (rule.applyThenFail) decision.after = rule.applyThenFail;
        }
      }
      return decision;
    },
  };
}
