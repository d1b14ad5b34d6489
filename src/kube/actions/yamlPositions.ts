// Where each field of a YAML document sits, so an error the apiserver reports for a field
// (`spec.template.spec.containers[0].image`) can point at the line in the user's file. Built from
// js-yaml's event stream (source offsets), beside the value js-yaml constructs from the same events.
import { type Event, EVENT_ID, getScalarValue } from 'js-yaml';

/** A YAML node with the 1-based line it starts on (absolute in its file). */
export type PosNode =
  | { kind: 'map'; line: number; entries: Map<string, { keyLine: number; value: PosNode }> }
  | { kind: 'seq'; line: number; items: PosNode[] }
  | { kind: 'scalar'; line: number; value: string };

/** Offsets → 1-based lines, for one source text. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  /** 1-based line of a 0-based offset. */
  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

/**
 * The position trees of every document in `events` (one entry per DOCUMENT event; null for an
 * empty document). `lineOffset` is added to every line (the chunk's first line in its file, 0-based).
 */
export function positionTrees(source: string, events: readonly Event[], lineOffset = 0): (PosNode | null)[] {
  const lines = new LineIndex(source);
  const out: (PosNode | null)[] = [];
  let i = 0;
  const line = (offset: number): number => lines.lineAt(Math.max(0, offset)) + lineOffset;

  const node = (): PosNode => {
    const ev = events[i++];
    if (!ev) throw new Error('unexpected end of YAML events');
    switch (ev.type) {
      case EVENT_ID.SCALAR:
        return { kind: 'scalar', line: line(ev.valueStart), value: getScalarValue(source, ev) };
      case EVENT_ID.ALIAS:
        return { kind: 'scalar', line: line(ev.anchorStart), value: '' };
      case EVENT_ID.SEQUENCE: {
        const items: PosNode[] = [];
        while (events[i] && events[i]!.type !== EVENT_ID.POP) items.push(node());
        i++;
        return { kind: 'seq', line: line(ev.start), items };
      }
      case EVENT_ID.MAPPING: {
        const entries = new Map<string, { keyLine: number; value: PosNode }>();
        while (events[i] && events[i]!.type !== EVENT_ID.POP) {
          const key = node();
          const value = node();
          // Complex keys (a mapping as a key) never name a Kubernetes field.
          if (key.kind === 'scalar' && !entries.has(key.value)) entries.set(key.value, { keyLine: key.line, value });
        }
        i++;
        return { kind: 'map', line: line(ev.start), entries };
      }
      default:
        throw new Error(`unexpected YAML event ${ev.type}`);
    }
  };

  while (i < events.length) {
    const ev = events[i++]!;
    if (ev.type !== EVENT_ID.DOCUMENT) continue;
    if (!events[i] || events[i]!.type === EVENT_ID.POP) {
      out.push(null);
    } else {
      out.push(node());
    }
    i++; // the document's POP
  }
  return out;
}
