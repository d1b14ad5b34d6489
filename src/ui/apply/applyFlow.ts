// The apply command from end to end: files → documents → the target context (chosen explicitly,
// or pinned by the files) → server-side dry run and a diff → confirmation → apply with progress →
// results (Problems, Output, a notification with links) → force, if the user asks and confirms.
// The core does the work (src/kube/actions); this file only asks, shows and wires.
import * as vscode from 'vscode';
import { previewTexts } from '../../kube/actions/applyPreview';
import { type ApplyReport, type ApplyTarget, applyManifests, conflicted } from '../../kube/actions/applyRun';
import { objectLabel, resultWord, summarize } from '../../kube/actions/applySummary';
import { applyTargetOf } from '../../kube/actions/applyTarget';
import { type ManifestDocument, parseManifests } from '../../kube/actions/manifest';
import { combinePins, type PinnedTarget } from '../../kube/actions/pins';
import type { AccessReviewer } from '../../kube/access/accessReviewer';
import type { ClusterManager } from '../../kube/clusters/clusterManager';
import type { Logger } from '../../kube/util/logger';
import type { ExtensionState } from '../extensionState';
import type { ApplyPrompts, ContextChoice } from './applyPrompts';
import { type ApplyResults, linkOf, type ResultLink } from './applyResults';
import { collectSources, invocationUris } from './manifestSources';
import type { PreviewDocuments } from './previewDocuments';

export interface ApplyDeps {
  clusters: ClusterManager;
  state: ExtensionState;
  currentContext(): string | undefined;
  log: Logger;
  results: ApplyResults;
  previews: PreviewDocuments;
  /** Replaceable (tests answer the questions). */
  prompts: ApplyPrompts;
  reveal(link: ResultLink): Promise<void>;
  /** The shared access cache (a denied apply names the missing verb). */
  access: AccessReviewer;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export class ApplyFlow {
  /** The last report shown (Show Results, and tests). */
  lastReport: ApplyReport | undefined;

  constructor(private readonly deps: ApplyDeps) {}

  /** `kubeAtlas.apply` (preview = true) and `kubeAtlas.applyWithoutPreview`. */
  async run(arg: unknown, arg2: unknown, preview: boolean): Promise<ApplyReport | undefined> {
    const { log, results, prompts } = this.deps;
    const uris = invocationUris(arg, arg2);
    if (!uris.length) {
      void vscode.window.showWarningMessage('Nothing to apply: open a YAML file, or select .yaml files or a folder in the Explorer.');
      return undefined;
    }
    const { sources, notes } = await collectSources(uris);
    for (const n of notes) log.warn(n);
    if (!sources.length) {
      void vscode.window.showWarningMessage(`Nothing to apply: ${notes.join(' ')}`);
      return undefined;
    }
    const docs = sources.flatMap((s) => parseManifests(s));
    const fromWhat = sources.length === 1 ? sources[0]!.label : plural(sources.length, 'file');
    if (!docs.length) {
      void vscode.window.showWarningMessage(`Nothing to apply: ${fromWhat} holds no Kubernetes objects.`);
      return undefined;
    }
    const pins = combinePins(sources);
    if (pins.conflict) {
      void vscode.window.showErrorMessage(pins.conflict);
      return undefined;
    }
    const what = `${plural(docs.length, 'document')} from ${fromWhat}`;
    const choice = await this.chooseContext(pins, what);
    if (!choice) return undefined;
    const ctx = choice.context;
    const session = this.deps.clusters.session(ctx);
    let target: ApplyTarget;
    try {
      if (!session) throw new Error(`context "${ctx}" is not in the kubeconfig`);
      target = await applyTargetOf(session, choice.namespace, this.deps.access);
    } catch (e) {
      void vscode.window.showErrorMessage(`Cannot apply to "${ctx}": ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
    results.reset(sources);
    log.info(`${preview ? 'Apply' : 'Apply without preview'}: ${what} to context "${ctx}" (default namespace ${choice.namespace})`);

    if (preview) {
      const dry = await this.withProgress(`Checking ${what} against "${ctx}" (server-side dry run)`, docs.length, (signal, onProgress) =>
        applyManifests(target, docs, { dryRun: true, signal, onProgress }),
      );
      results.record(dry);
      results.write(dry);
      this.lastReport = dry;
      if (dry.cancelled) return dry;
      const s = summarize(dry);
      const failing = dry.outcomes.filter((o) => o.result === 'failed').length;
      const texts = previewTexts(dry);
      const { right } = await this.deps.previews.show(`${ctx}: live ↔ after apply — ${s.title.slice(s.title.indexOf(': ') + 2)}`, texts.left, texts.right);
      if (failing === dry.outcomes.length) {
        void prompts.report(`${s.title}. Nothing can be applied: every document has errors (see the Problems view). ${results.message(dry)}`, 'error', []);
        return dry;
      }
      const question = `${s.title}. Apply ${what} to context "${ctx}"?${failing ? ` ${plural(failing, 'document')} with errors will fail again and be reported.` : ''}`;
      const decision = await prompts.decidePreview(right, question, `Apply to ${ctx}`);
      if (decision !== 'apply') {
        log.info(`Apply to "${ctx}" cancelled after the preview`);
        return dry;
      }
      if (this.deps.state.isProduction(ctx) && !(await prompts.confirm({ action: `Apply ${what}`, context: ctx, button: 'Apply', production: true, detail: s.lines.join('\n') }))) {
        log.info(`Apply to "${ctx}" cancelled at the production confirmation`);
        return dry;
      }
    } else if (this.deps.state.isProduction(ctx)) {
      const ok = await prompts.confirm({ action: `Apply ${what} without preview`, context: ctx, button: 'Apply', production: true, detail: docs.map((d) => docLine(d)).join('\n') });
      if (!ok) return undefined;
    }

    const report = await this.withProgress(`Applying ${what} to "${ctx}"`, docs.length, (signal, onProgress) => applyManifests(target, docs, { signal, onProgress }));
    await this.finish(target, report);
    return report;
  }

  /** Records and shows a report; offers Force… for conflicts and Show Results. */
  private async finish(target: ApplyTarget, report: ApplyReport): Promise<void> {
    const { results, prompts } = this.deps;
    results.record(report);
    results.write(report);
    this.lastReport = report;
    const s = summarize(report);
    const conflicts = conflicted(report);
    const buttons = [...(conflicts.length ? ['Force…'] : []), 'Show Results'];
    const severity = s.complete ? 'info' : report.outcomes.some((o) => o.result === 'failed') ? 'error' : 'warning';
    const pick = await prompts.report(results.message(report), severity, buttons);
    if (pick === 'Show Results') await this.showResults(report);
    if (pick !== 'Force…') return;
    const fields = report.outcomes.flatMap((o) => (o.failure?.conflicts ?? []).map((c) => `${objectLabel(o)}: ${c.field} (owned by "${c.manager}")`));
    const ok = await prompts.confirm({
      action: `Force-apply ${plural(conflicts.length, 'document')}, taking over ${plural(fields.length, 'field')} from other field managers`,
      context: target.context,
      button: 'Force Apply',
      production: this.deps.state.isProduction(target.context),
      detail: `${fields.slice(0, 20).join('\n')}${fields.length > 20 ? `\n…and ${fields.length - 20} more` : ''}\n\nThe other managers (kubectl, Helm, a controller) may set them back or conflict with you next time.`,
    });
    if (!ok) return;
    const forced = await this.withProgress(`Force-applying ${plural(conflicts.length, 'document')} to "${target.context}"`, conflicts.length, (signal, onProgress) =>
      applyManifests(target, conflicts, { force: true, signal, onProgress }),
    );
    await this.finish(target, forced);
  }

  /** A quick pick of every document's outcome; picking one reveals it (tree) or opens its line. */
  async showResults(report = this.lastReport): Promise<void> {
    if (!report) return;
    type Item = vscode.QuickPickItem & { link: ResultLink };
    const icon = (r: string): string => ({ created: '$(add)', configured: '$(edit)', unchanged: '$(check)', failed: '$(error)', skipped: '$(circle-slash)' })[r] ?? '';
    const items: Item[] = report.outcomes.map((o) => ({
      label: `${icon(o.result)} ${objectLabel(o)}`,
      description: resultWord(o, report.dryRun),
      detail: `${o.doc.source.label}:${o.doc.line}${o.warnings.length ? ` · ${o.warnings.join(' · ')}` : ''}`,
      link: linkOf(report.context, o),
    }));
    const pick = await vscode.window.showQuickPick(items, { title: summarize(report).title, matchOnDescription: true, matchOnDetail: true });
    if (pick) await this.deps.reveal(pick.link);
  }

  private async chooseContext(pins: PinnedTarget, what: string): Promise<ContextChoice | undefined> {
    const { clusters, state } = this.deps;
    const names = clusters.contextNames();
    if (!names.length) {
      void vscode.window.showWarningMessage('Kube Atlas found no contexts: set KUBECONFIG or add files in the setting kubeAtlas.kubeconfigFiles.');
      return undefined;
    }
    const current = this.deps.currentContext();
    const nsOf = (ctx: string): string => state.selectedNamespace(ctx) ?? clusters.kubeconfig?.contexts.find((c) => c.name === ctx)?.namespace ?? 'default';
    const choiceOf = (ctx: string): ContextChoice => ({
      context: ctx,
      namespace: nsOf(ctx),
      current: ctx === current,
      production: state.isProduction(ctx),
      detail: `Documents without a namespace go to "${nsOf(ctx)}" (unless a file pins one)`,
    });
    if (pins.context) {
      const pin = pins.pins.find((p) => p.pin.context === pins.context)!;
      if (!names.includes(pins.context)) {
        void vscode.window.showErrorMessage(`${pin.label}:${pin.pin.line} pins context "${pins.context}", which is not in your kubeconfig.`);
        return undefined;
      }
      this.deps.log.info(`${pin.label}:${pin.pin.line} pins context "${pins.context}"`);
      return choiceOf(pins.context);
    }
    const ordered = current && names.includes(current) ? [current, ...names.filter((n) => n !== current)] : names;
    return this.deps.prompts.pickContext(ordered.map(choiceOf), `Apply ${what}`);
  }

  private withProgress<T>(title: string, total: number, work: (signal: AbortSignal, onProgress: (done: number, total: number, doc: ManifestDocument) => void) => Promise<T>): Promise<T> {
    return Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
        const ac = new AbortController();
        const sub = token.onCancellationRequested(() => ac.abort());
        try {
          return await work(ac.signal, (done, all, doc) => progress.report({ message: `${done + 1}/${all}: ${docLine(doc)}`, increment: 100 / Math.max(1, total) }));
        } finally {
          sub.dispose();
        }
      }),
    );
  }
}

function docLine(d: ManifestDocument): string {
  const o = d.object;
  return `${d.source.label}:${d.line}${o ? ` ${o.kind} ${o.metadata.name ?? ''}` : ''}`;
}

