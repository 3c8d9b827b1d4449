// A least-recently-used cache bounded by the bytes its entries hold, not by their count.

/**
 * Keeps values while their accounted bytes fit `budgetBytes`, evicting the least recently used
 * first. A value larger than the whole budget is not kept at all (its caller uses it once): one
 * oversized entry must not push out everything else and then stay.
 */
export class ByteBudgetCache<Value> {
  private readonly entries = new Map<string, { value: Value; bytes: number }>();
  private total = 0;

  constructor(readonly budgetBytes: number) {}

  /** The value under `key`, now the most recently used; undefined when absent. */
  get(key: string): Value | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Map iteration order is insertion order: re-inserting makes it the newest.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Keeps `value` if it fits the budget (evicting older entries); returns whether it was kept. */
  set(key: string, value: Value, bytes: number): boolean {
    this.delete(key);
    if (bytes > this.budgetBytes) return false;
    this.entries.set(key, { value, bytes });
    this.total += bytes;
    for (const [oldestKey, oldest] of this.entries) {
      if (this.total <= this.budgetBytes) break;
      this.entries.delete(oldestKey);
      this.total -= oldest.bytes;
    }
    return true;
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.total -= entry.bytes;
  }

  /** Bytes accounted to the entries kept now (never above the budget). */
  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }
}
