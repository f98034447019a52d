/**
 * A student's live quality: whether its answers matched the teacher's on the latest shadow checks (a
 * sliding window), and whether that is bad enough to demote it.
 */
export class LiveAgreement {
  private readonly outcomes: boolean[] = [];
  private agreed = 0;
  /** Every check since the student started serving (the window holds only the latest). */
  total = 0;

  constructor(private readonly window: number) {}

  record(agree: boolean): void {
    this.outcomes.push(agree);
    this.total++;
    if (agree) this.agreed++;
    if (this.outcomes.length > this.window && this.outcomes.shift()) this.agreed--;
  }

  /** Checks in the window. */
  get checks(): number {
    return this.outcomes.length;
  }

  /** Agreement over the window; null before any check. */
  get agreement(): number | null {
    return this.outcomes.length === 0 ? null : this.agreed / this.outcomes.length;
  }

  /** At least `minChecks` in the window and agreement below `floor`. */
  below(floor: number, minChecks: number): boolean {
    const agreement = this.agreement;
    return agreement !== null && this.outcomes.length >= minChecks && agreement < floor;
  }
}
