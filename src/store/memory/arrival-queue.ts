/**
 * Items in arrival order, with the oldest dropped in O(1) amortized time: the memory store's request log.
 *
 * A plain array's shift() is a memmove of the whole array once V8 keeps it in large-object space (from a
 * few tens of thousands of elements): measured 112 µs per append at 100,000 requests, against 0.15 µs at
 * 10,000. Here a head index marks the oldest live item; the dead prefix is sliced off once it is half the
 * array, so each item is copied at most once on average.
 */
export class ArrivalQueue<T> implements Iterable<T> {
  private items: Array<T | undefined> = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1_024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Keeps the items `keep` accepts, in order; returns the removed ones. */
  retain(keep: (item: T) => boolean): T[] {
    const kept: T[] = [];
    const removed: T[] = [];
    for (const item of this) (keep(item) ? kept : removed).push(item);
    this.items = kept;
    this.head = 0;
    return removed;
  }

  *[Symbol.iterator](): Iterator<T> {
    const { items } = this;
    for (let i = this.head; i < items.length; i++) yield items[i] as T;
  }
}
