// kubectl plugin discovery on a real directory tree: PATH order, executables only, name rules,
// shadowed duplicates, built-in names; and the argument array a plugin runs with.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { commandWords, discoverPlugins, findOnPath, pluginArgs } from '../../src/kube/plugins/pluginDiscovery';

test('plugins on PATH as kubectl plugin list finds them', async () => {
  const root = mkdtempSync(join(tmpdir(), 'kubectl-plugins-'));
  try {
    const a = join(root, 'a');
    const b = join(root, 'b');
    mkdirSync(a);
    mkdirSync(b);
    const file = (dir: string, name: string, exec = true) => {
      writeFileSync(join(dir, name), '#!/bin/sh\necho hi\n');
      chmodSync(join(dir, name), exec ? 0o755 : 0o644);
    };
    file(a, 'kubectl-hello');
    file(b, 'kubectl-hello');
    file(a, 'kubectl-foo-bar');
    file(b, 'kubectl-foo_baz');
    file(b, 'kubectl-notexec', false);
    file(b, 'kubectl-get');
    file(b, 'kubectl');
    mkdirSync(join(b, 'kubectl-dir'));
    const found = await discoverPlugins([a, join(root, 'missing'), b].join(':'), { delimiter: ':', windows: false });
    assert.deepEqual(
      found.map((p) => p.name),
      ['foo bar', 'hello', 'foo-baz', 'get'],
    );
    const hello = found.find((p) => p.name === 'hello')!;
    assert.equal(hello.path, join(a, 'kubectl-hello'), 'the first on PATH wins');
    assert.deepEqual(hello.shadows, [join(b, 'kubectl-hello')]);
    assert.match(found.find((p) => p.name === 'get')!.warning ?? '', /kubectl's own "get"/);
    assert.equal(await findOnPath('kubectl', [a, b].join(':'), { delimiter: ':', windows: false }), join(b, 'kubectl'));
    assert.equal(await findOnPath('kubectl', a, { delimiter: ':', windows: false }), undefined);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('command words and arguments', () => {
  assert.deepEqual(commandWords('kubectl-foo-bar'), ['foo', 'bar']);
  assert.deepEqual(commandWords('kubectl-foo_bar'), ['foo-bar']);
  assert.deepEqual(commandWords('kubectl-x.exe'), ['x']);
  assert.equal(commandWords('kubectl-'), undefined);
  assert.equal(commandWords('kubectl'), undefined);
  assert.deepEqual(pluginArgs({ words: ['foo', 'bar'] }, { context: 'prod', namespace: 'shop', name: 'web-1' }), ['foo', 'bar', 'web-1', '--context', 'prod', '--namespace', 'shop']);
  assert.deepEqual(pluginArgs({ words: ['hello'] }, { context: 'dev' }), ['hello', '--context', 'dev']);
});
