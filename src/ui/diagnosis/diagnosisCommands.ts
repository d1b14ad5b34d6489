// "Diagnose" (pod and workload rows) and "What can I do here?" (context and namespace rows, or
// the palette): each opens a read-only Markdown document. The core does the work
// (kube/diagnosis/diagnoseObject.ts + report.ts, kube/access/rulesReview.ts); this file picks the
// target, asks the access cache, and shows the text. Links in the report open the live YAML view.
import * as vscode from 'vscode';
import type { AccessReviewer } from '../../kube/access/accessReviewer';
import { renderRules, type AccessCheck } from '../../kube/access/rulesReview';
import type { ClusterManager } from '../../kube/clusters/clusterManager';
import { diagnoseObject } from '../../kube/diagnosis/diagnoseObject';
import { renderReport } from '../../kube/diagnosis/report';
import type { BrowseNode } from '../../kube/tree/nodes';
import { showFailure, targetOf, transportOf } from '../commands/actionTargets';
import { yamlUri } from '../yamlDocuments';

export const REPORT_SCHEME = 'kubeatlas-report';

/** Read-only documents whose text the commands set (one per report, replaced when re-run). */
export class ReportDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  async show(name: string, text: string): Promise<vscode.TextDocument> {
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${name}.md` });
    this.texts.set(uri.toString(), text);
    this.emitter.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc;
  }

  /** The last text of a report (tests read it). */
  text(name: string): string | undefined {
    return this.texts.get(vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${name}.md` }).toString());
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

export interface DiagnosisDeps {
  clusters: ClusterManager;
  access: AccessReviewer;
  view: vscode.TreeView<BrowseNode>;
  reports: ReportDocuments;
  currentContext(): string | undefined;
  selectedNamespace(context: string): string | undefined;
}

export function registerDiagnosisCommands(d: DiagnosisDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('kubeAtlas.diagnose', async (node?: BrowseNode) => {
      const t = targetOf(node ?? d.view.selection[0]);
      if (!t) {
        void vscode.window.showInformationMessage('Select a pod or workload in the Kube Atlas tree to diagnose it.');
        return;
      }
      try {
        const st = await d.clusters.session(t.context)?.connect();
        if (st?.phase !== 'ready') throw new Error(`Context "${t.context}" is not connected.`);
        const events = t.namespace ? await d.access.review(t.context, { verb: 'list', group: '', resource: 'events', namespace: t.namespace }) : undefined;
        const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Diagnosing ${t.name}…` }, () =>
          diagnoseObject({ transport: transportOf(d.clusters, t.context), registry: st.registry, type: t.type, namespace: t.namespace, name: t.name, eventsAllowed: events?.allowed }),
        );
        const link = (kind: string, ns: string | undefined, name: string): string | undefined => {
          const type = st.registry.resolve(kind);
          return type ? yamlUri(t.context, type, ns, name).toString() : undefined;
        };
        await d.reports.show(`diagnose/${t.context}/${t.namespace ?? '_'}/${t.type.kind}-${t.name}`, renderReport(result, t.context, link, new Date().toISOString()));
      } catch (e) {
        showFailure(`Could not diagnose ${t.type.kind} ${t.name}`, e);
      }
    }),
    vscode.commands.registerCommand('kubeAtlas.showPermissions', async (node?: BrowseNode) => {
      const context = node?.context || d.currentContext();
      if (!context) {
        void vscode.window.showInformationMessage('Pick a context first (Kube Atlas: Select Context).');
        return;
      }
      const namespace = node?.namespace ?? d.selectedNamespace(context) ?? d.clusters.kubeconfig?.contexts.find((c) => c.name === context)?.namespace ?? 'default';
      try {
        // Fails here, with the usual hint, when the context has no session.
        transportOf(d.clusters, context);
        const [rules, user, checks] = await Promise.all([d.access.rules.get(context, namespace), d.access.user(context), specificChecks(d.access, context, namespace)]);
        const who = user ? `user "${user.username}"${user.groups.length ? ` (groups ${user.groups.join(', ')})` : ''}` : 'the kubeconfig user';
        await d.reports.show(`permissions/${context}/${namespace}`, renderRules(context, namespace, who, rules.status, checks, new Date(rules.at).toISOString()));
      } catch (e) {
        showFailure(`Could not review permissions in ${context}/${namespace}`, e);
      }
    }),
  ];
}

/** What the extension's own features need, asked through the access cache the menus share. */
const CHECKS: readonly { what: string; verb: string; group: string; resource: string; subresource?: string }[] = [
  { what: 'list/watch pods', verb: 'watch', group: '', resource: 'pods' },
  { what: 'read events (diagnosis evidence)', verb: 'list', group: '', resource: 'events' },
  { what: 'read pod logs', verb: 'get', group: '', resource: 'pods', subresource: 'log' },
  { what: 'open a shell (exec)', verb: 'create', group: '', resource: 'pods', subresource: 'exec' },
  { what: 'port-forward', verb: 'create', group: '', resource: 'pods', subresource: 'portforward' },
  { what: 'delete pods', verb: 'delete', group: '', resource: 'pods' },
  { what: 'scale deployments', verb: 'patch', group: 'apps', resource: 'deployments', subresource: 'scale' },
  { what: 'edit/restart deployments', verb: 'patch', group: 'apps', resource: 'deployments' },
  { what: 'read secrets', verb: 'get', group: '', resource: 'secrets' },
];

async function specificChecks(access: AccessReviewer, context: string, namespace: string): Promise<AccessCheck[]> {
  const qs = CHECKS.map((c) => ({ verb: c.verb, group: c.group, resource: c.resource, namespace, ...(c.subresource ? { subresource: c.subresource } : {}) }));
  const answers = await access.reviewAll(context, qs);
  return CHECKS.map((c, i) => ({ what: c.what, allowed: answers[i]?.allowed }));
}
