import { ControlError } from './control-guard.ts';

/** Parses a JSON object body; a parse error never quotes the body back. */
export async function readControlBody(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text();
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ControlError(400, 'invalid_json', 'The body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ControlError(400, 'invalid_request', 'The body must be a JSON object.');
  return parsed as Record<string, unknown>;
}
