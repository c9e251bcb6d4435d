// Child process of the first-open test: opens (and so migrates) a store, says "opened" and exits.
// The test kills it at seeded random moments of its first open, or starts several at once.
// Usage: node open-child.ts <store url> [<postgres schema>]
import { createStore } from '../store.ts';

async function main(): Promise<void> {
  const [url, schema] = process.argv.slice(2);
  process.stdout.write('opening\n');
  const store = await createStore({ url: url ?? ':memory:', ...(schema ? { schema } : {}) });
  await store.close();
  process.stdout.write('opened\n');
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
