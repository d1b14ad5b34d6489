// Where a followed log resumes after its connection dropped, without losing or repeating lines.
// The reconnect asks `sinceTime=<last timestamp seen>`; the apiserver passes it to the kubelet in
// whole seconds (metav1.Time), so the answer starts up to a second early and repeats lines. Lines
// older than the last one seen are dropped, and of the lines that carry exactly the last
// timestamp, as many as were already shown (several lines can share one timestamp).
import { timestampKey } from './timestampedLine';

export class ResumePoint {
  private lastTs: string | undefined;
  private lastKey: string | undefined;
  /** Lines shown with exactly lastKey. */
  private atLast = 0;
  /** After a reconnect: lines with lastKey still to skip. */
  private skip = 0;
  private resuming = false;

  /** The timestamp to resume from, once a line with one was shown. */
  sinceTime(): string | undefined {
    return this.lastTs;
  }

  /** A new connection starts: what it sends again must be recognised. */
  reconnecting(): void {
    if (this.lastKey === undefined) return;
    this.resuming = true;
    this.skip = this.atLast;
  }

  /** Whether the line is new (and then remember it); false for a line shown before the reconnect. */
  accept(timestamp: string | undefined): boolean {
    const key = timestamp === undefined ? undefined : timestampKey(timestamp);
    if (key === undefined) return true; // nothing to compare with: show it
    if (this.resuming && this.lastKey !== undefined) {
      if (key < this.lastKey) return false;
      if (key === this.lastKey && this.skip > 0) {
        this.skip--;
        return false;
      }
      this.resuming = false;
    }
    if (key === this.lastKey) this.atLast++;
    else {
      this.lastKey = key;
      this.lastTs = timestamp;
      this.atLast = 1;
    }
    return true;
  }
}
