/** A lower-case SQL identifier from free text: `Due date (UTC)` → `due_date_utc`. */
export function sanitizeIdentifier(text: string, fallback: string): string {
  const cleaned = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60);
  if (cleaned === '') return fallback;
  return /^[0-9]/.test(cleaned) ? `p_${cleaned}` : cleaned;
}
