// Overlaps a producer with its consumer: while the caller works on one item (say, commits a
// batch), the next is already being fetched. Order and errors are preserved; at most one item
// is read ahead, so memory stays bounded.

/** Yields the items of `source`, requesting each next one before the caller handles the current. */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  try {
    for (;;) {
      const current = await next;
      if (current.done) return;
      next = iterator.next();
      // A failure of the read-ahead surfaces when it is awaited, not as an unhandled rejection.
      next.catch(() => {});
      yield current.value;
    }
  } finally {
    await iterator.return?.();
  }
}
