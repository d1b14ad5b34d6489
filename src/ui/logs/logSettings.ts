// The `kubeAtlas.logs.*` settings: the default options of "Show Logs" and the caps of every view.
import * as vscode from 'vscode';
import type { LogOptions } from '../../kube/logs/logOptions';
import { SECTION } from '../settings';

export interface LogSettings {
  options: LogOptions;
  maxLines: number;
  maxStreams: number;
}

export function readLogSettings(): LogSettings {
  const c = vscode.workspace.getConfiguration(`${SECTION}.logs`);
  const tail = c.get<number>('tailLines', 1000);
  const since = c.get<number>('sinceSeconds', 0);
  return {
    options: {
      follow: c.get<boolean>('follow', true),
      timestamps: c.get<boolean>('timestamps', false),
      previous: false,
      tailLines: tail >= 0 ? tail : undefined,
      sinceSeconds: since > 0 ? since : undefined,
    },
    maxLines: Math.max(100, c.get<number>('maxLines', 20_000)),
    maxStreams: Math.max(1, c.get<number>('maxStreams', 10)),
  };
}
