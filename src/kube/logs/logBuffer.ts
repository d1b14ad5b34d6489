// The text a log view shows, with a size cap: at most `maxLines` lines of at most `maxLineChars`
// characters each, so a chatty pod cannot grow the editor (and the extension host) without bound.
// Past the cap the oldest tenth is dropped at once (dropping one line per new line would copy the
// whole array each time) and a first line says how many went. Views read `text()` when told of a
// change (throttled by the UI).
import { Emitter, type Event } from '../util/emitter';

export interface LogBufferOptions {
  maxLines: number;
  maxLineChars?: number;
}

export const DEFAULT_MAX_LINES = 20_000;
const DEFAULT_MAX_LINE_CHARS = 10_000;

export class LogBuffer {
  private lines: string[] = [];
  private dropped = 0;
  private readonly changed = new Emitter<void>();
  readonly onDidChange: Event<void> = this.changed.event;
  private header: string | undefined;

  constructor(private readonly opts: LogBufferOptions = { maxLines: DEFAULT_MAX_LINES }) {}

  /** A line shown above the log (what is followed, with which options). */
  setHeader(text: string | undefined): void {
    this.header = text;
    this.changed.fire();
  }

  append(line: string): void {
    const max = this.opts.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
    this.lines.push(line.length > max ? `${line.slice(0, max)} … (${line.length - max} more characters)` : line);
    const cap = Math.max(1, this.opts.maxLines);
    if (this.lines.length > cap) {
      const drop = this.lines.length - cap + Math.floor(cap / 10);
      this.lines.splice(0, drop);
      this.dropped += drop;
    }
    this.changed.fire();
  }

  /** Lines kept now (for tests and status). */
  get lineCount(): number {
    return this.lines.length;
  }

  get droppedCount(): number {
    return this.dropped;
  }

  snapshot(): readonly string[] {
    return this.lines;
  }

  text(): string {
    const head: string[] = [];
    if (this.header) head.push(this.header);
    if (this.dropped) head.push(`… ${this.dropped} earlier lines dropped (at most ${this.opts.maxLines} are kept: setting kubeAtlas.logs.maxLines)`);
    return [...head, ...this.lines].join('\n') + (this.lines.length || head.length ? '\n' : '');
  }

  dispose(): void {
    this.changed.dispose();
  }
}
