// What a log request asks for (kubectl logs' flags) and how it becomes the query of
// GET /api/v1/namespaces/NS/pods/NAME/log. Timestamps are always requested from the server: they
// are how a dropped follow resumes without losing or repeating lines (resumePoint.ts); the view
// shows them only when the user asked.
import type { ResumePoint } from './resumePoint';

export interface LogOptions {
  /** Keep the stream open and show new lines as they are written (`-f`). */
  follow: boolean;
  /** Show each line's timestamp (`--timestamps`). */
  timestamps: boolean;
  /** The previous instance of the container (`-p`): what it wrote before it last restarted. */
  previous: boolean;
  /** Only lines newer than this many seconds (`--since`). */
  sinceSeconds?: number;
  /** Only the last N lines that exist when the stream opens (`--tail`). */
  tailLines?: number;
}

export const DEFAULT_LOG_OPTIONS: LogOptions = { follow: true, timestamps: false, previous: false, tailLines: 1000 };

export interface ContainerRef {
  namespace: string;
  pod: string;
  container: string;
}

export function logPath(ref: Pick<ContainerRef, 'namespace' | 'pod'>): string {
  return `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/pods/${encodeURIComponent(ref.pod)}/log`;
}

/**
 * The query for one attempt. A resumed attempt (a follow that dropped) asks from the last
 * timestamp seen instead of the user's tail/since: the resume point drops what was already shown.
 */
export function logQuery(ref: ContainerRef, opts: LogOptions, resume?: ResumePoint): Record<string, string | number | boolean | undefined> {
  const since = resume?.sinceTime();
  return {
    container: ref.container,
    // A previous instance is finished: following it would only end at once.
    follow: opts.follow && !opts.previous ? true : undefined,
    timestamps: true,
    previous: opts.previous ? true : undefined,
    sinceTime: since,
    sinceSeconds: since === undefined && opts.sinceSeconds && opts.sinceSeconds > 0 ? Math.ceil(opts.sinceSeconds) : undefined,
    tailLines: since === undefined && opts.tailLines !== undefined && opts.tailLines >= 0 ? Math.floor(opts.tailLines) : undefined,
  };
}

/** "5m", "1h30m", "45s", "2h" → seconds (kubectl's --since form); undefined when it does not parse. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (!/^(\d+h)?(\d+m)?(\d+s)?$/.test(t) || t === '') return undefined;
  let s = 0;
  for (const m of t.matchAll(/(\d+)([hms])/g)) s += Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1);
  return s > 0 ? s : undefined;
}
