import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { resolveKubeconfigPaths } from '../../src/kube/config/kubeconfigFiles';

describe('resolveKubeconfigPaths', () => {
  const home = '/home/ann';

  it('uses ~/.kube/config when KUBECONFIG is unset or empty', () => {
    const expected = [path.join(home, '.kube', 'config')];
    assert.deepEqual(resolveKubeconfigPaths({ env: undefined, home, extraFiles: [], delimiter: ':' }), expected);
    assert.deepEqual(resolveKubeconfigPaths({ env: '', home, extraFiles: [], delimiter: ':' }), expected);
    assert.deepEqual(resolveKubeconfigPaths({ env: ' : :', home, extraFiles: [], delimiter: ':' }), expected);
  });

  it('splits KUBECONFIG on the delimiter, dropping empty entries and repeats, keeping order', () => {
    const got = resolveKubeconfigPaths({ env: '/a/one::/b/two:/a/one:/a//one', home, extraFiles: [], delimiter: ':' });
    assert.deepEqual(got, ['/a/one', '/b/two']);
  });

  it('honours the Windows delimiter', () => {
    const got = resolveKubeconfigPaths({ env: 'C:\\k\\a;;C:\\k\\b', home: 'C:\\Users\\ann', extraFiles: [], delimiter: ';' });
    assert.deepEqual(got, ['C:\\k\\a', 'C:\\k\\b']);
  });

  it('does not add ~/.kube/config when KUBECONFIG names files', () => {
    const got = resolveKubeconfigPaths({ env: '/x/config', home, extraFiles: [], delimiter: ':' });
    assert.deepEqual(got, ['/x/config']);
  });

  it('appends extra files after kubectl’s list, deduplicated, with ~ expanded', () => {
    const got = resolveKubeconfigPaths({
      env: undefined,
      home,
      extraFiles: ['/extra/a', '~/.kube/config', '~/more', '', '/extra/a'],
      delimiter: ':',
    });
    assert.deepEqual(got, [path.join(home, '.kube', 'config'), '/extra/a', path.join(home, 'more')]);
  });
});
