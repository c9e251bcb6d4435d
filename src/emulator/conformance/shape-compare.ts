// Structural comparison of two JSON values: the same keys at every level and the same JSON
// types; values themselves (ids, times, URLs, text) are ignored.

/** One place where two JSON values differ in structure. */
export interface ShapeMismatch {
  /** JSONPath-like location, e.g. `$.results[0].parent.database_id`. */
  path: string;
  /** Type (or "absent") in the expected value. */
  expected: string;
  /** Type (or "absent") in the actual value. */
  got: string;
}

/** JSON type name: null, boolean, number, string, array or object. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return jsonType(value) === 'object';
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_][\w]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Lists every structural difference between `expected` and `actual`. Arrays of equal length
 * are compared element by element; otherwise their first elements are compared (nothing is
 * compared when either is empty).
 */
export function compareShapes(expected: unknown, actual: unknown, path = '$'): ShapeMismatch[] {
  const expectedType = jsonType(expected);
  const actualType = jsonType(actual);
  if (expectedType !== actualType) return [{ path, expected: expectedType, got: actualType }];
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length === actual.length) {
      return expected.flatMap((item, i) => compareShapes(item, actual[i], `${path}[${i}]`));
    }
    if (expected.length === 0 || actual.length === 0) return [];
    return compareShapes(expected[0], actual[0], `${path}[0]`);
  }
  if (isRecord(expected) && isRecord(actual)) {
    const mismatches: ShapeMismatch[] = [];
    for (const key of Object.keys(expected)) {
      const p = childPath(path, key);
      if (!(key in actual))
        mismatches.push({ path: p, expected: jsonType(expected[key]), got: 'absent' });
      else mismatches.push(...compareShapes(expected[key], actual[key], p));
    }
    for (const key of Object.keys(actual)) {
      if (!(key in expected)) {
        mismatches.push({
          path: childPath(path, key),
          expected: 'absent',
          got: jsonType(actual[key]),
        });
      }
    }
    return mismatches;
  }
  return [];
}
