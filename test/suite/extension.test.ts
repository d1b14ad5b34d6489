// In the real extension host: the extension is installed, activates, contributes its view container,
// and registers every command its package.json declares (read from the extension's own folder, so
// the check follows the manifest as it changes).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

const ID = 'kube-atlas.kube-atlas';

interface Manifest {
  contributes?: { commands?: { command: string }[]; viewsContainers?: { activitybar?: { id: string }[] } };
}

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(ID);
  assert.ok(ext, `extension ${ID} is not installed in this extension host`);
  return ext;
}

function manifest(): Manifest {
  return JSON.parse(readFileSync(join(extension().extensionPath, 'package.json'), 'utf8')) as Manifest;
}

suite('Kube Atlas extension', () => {
  test('is present', () => {
    assert.equal(extension().id, ID);
  });

  test('activates', async () => {
    const ext = extension();
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  test('registers every command declared in package.json', async () => {
    await extension().activate();
    const declared = (manifest().contributes?.commands ?? []).map((c) => c.command);
    assert.ok(declared.length > 0, 'package.json declares commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declared.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `declared but not registered: ${missing.join(', ')}`);
  });

  test('its activity-bar container opens', async () => {
    const containers = manifest().contributes?.viewsContainers?.activitybar ?? [];
    assert.ok(containers.some((c) => c.id === 'kubeAtlas'), 'the kubeAtlas view container is declared');
    // VS Code registers workbench.view.extension.<id> for each contributed container.
    await vscode.commands.executeCommand('workbench.view.extension.kubeAtlas');
  });
});
