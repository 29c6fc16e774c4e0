/**
 * The ids of the last `capacity` events seen, oldest forgotten first: delivery is at-least-once, so every receiver
 * drops an event whose CloudEvent id it has already taken.
 */
export class DeduplicationWindow {
  readonly #ids = new Set<string>();

  constructor(readonly capacity: number = 10_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("The de-duplication capacity must be a positive integer.");
  }

  /** Records `id`; false when it is already in the window (a duplicate). */
  tryAdd(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    if (this.#ids.size > this.capacity) {
      // A Set iterates in insertion order: the first id is the oldest.
      this.#ids.delete(this.#ids.values().next().value!);
    }

    return true;
  }

  /** Forgets `id`, so that a redelivery of an event that was not handed over is processed. */
  forget(id: string): void {
    this.#ids.delete(id);
  }

  get size(): number {
    return this.#ids.size;
  }
}
