// A set of Notion page ids that holds a canonical id (lowercase, dashed UUID: what Notion
// returns) as 16 bytes in a typed array instead of a string object: a complete listing of a
// 100,000-row source remembers every id for the reconcile, and as strings in a Set those were
// ~8 MiB of old generation (kept, and marked by every full collection). Any other string is kept
// as is, so membership is exactly string equality.

const CANONICAL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const WORDS = 4;

/** The id's 128 bits as four 32-bit words (dashes at 8, 13, 18, 23). */
function wordsOf(id: string, into: Uint32Array): void {
  into[0] = Number.parseInt(id.slice(0, 8), 16);
  into[1] = Number.parseInt(id.slice(9, 13) + id.slice(14, 18), 16);
  into[2] = Number.parseInt(id.slice(19, 23) + id.slice(24, 28), 16);
  into[3] = Number.parseInt(id.slice(28, 36), 16);
}

export class PageIdSet {
  #slots = new Uint32Array(1024 * WORDS);
  #used = new Uint8Array(1024);
  #count = 0;
  readonly #other = new Set<string>();
  readonly #key = new Uint32Array(WORDS);

  get size(): number {
    return this.#count + this.#other.size;
  }

  add(id: string): this {
    if (!CANONICAL.test(id)) {
      this.#other.add(id);
      return this;
    }
    wordsOf(id, this.#key);
    const slot = this.#find(this.#key);
    if (this.#used[slot]) return this;
    this.#slots.set(this.#key, slot * WORDS);
    this.#used[slot] = 1;
    this.#count += 1;
    if (this.#count * 4 > this.#used.length * 3) this.#grow();
    return this;
  }

  has(id: string): boolean {
    if (!CANONICAL.test(id)) return this.#other.has(id);
    wordsOf(id, this.#key);
    return this.#used[this.#find(this.#key)] === 1;
  }

  /** The slot holding `key`, or the free slot where it would go (linear probing). */
  #find(key: Uint32Array): number {
    const mask = this.#used.length - 1;
    let slot = Math.imul(key[0]! ^ key[3]!, 0x9e3779b1) >>> 0;
    for (slot &= mask; this.#used[slot]; slot = (slot + 1) & mask) {
      const at = slot * WORDS;
      const s = this.#slots;
      if (s[at] === key[0] && s[at + 1] === key[1] && s[at + 2] === key[2] && s[at + 3] === key[3])
        return slot;
    }
    return slot;
  }

  #grow(): void {
    const slots = this.#slots;
    const used = this.#used;
    this.#slots = new Uint32Array(slots.length * 2);
    this.#used = new Uint8Array(used.length * 2);
    const key = new Uint32Array(WORDS);
    for (let i = 0; i < used.length; i++) {
      if (!used[i]) continue;
      key.set(slots.subarray(i * WORDS, i * WORDS + WORDS));
      const slot = this.#find(key);
      this.#slots.set(key, slot * WORDS);
      this.#used[slot] = 1;
    }
  }
}
