// Every setting lives under `kubeAtlas.`; read them in one place.
import * as vscode from 'vscode';
import { trustedKubeconfigFiles } from './workspaceTrust';

export const SECTION = 'kubeAtlas';

export interface Settings {
  kubeconfigFiles: string[];
  pageSize: number;
  execTimeoutMs: number;
  productionContexts: string[];
  /** kubeAtlas.metrics.intervalSeconds: how often usage is read while shown. */
  metricsIntervalMs: number;
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  return {
    kubeconfigFiles: trustedKubeconfigFiles(c),
    pageSize: c.get<number>('tree.pageSize', 200),
    execTimeoutMs: c.get<number>('credentialPluginTimeoutSeconds', 10) * 1000,
    productionContexts: c.get<string[]>('productionContexts', []),
    metricsIntervalMs: Math.max(5, c.get<number>('metrics.intervalSeconds', 15)) * 1000,
  };
}
