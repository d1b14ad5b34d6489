import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findEntryLines } from '../../src/kube/config/kubeconfigEntryLines';
import { mergeKubeconfigs } from '../../src/kube/config/kubeconfigMerge';

// kubectl's own output style: list items at column 0, `name:` after the body.
const FILE_A = `apiVersion: v1
kind: Config
current-context: a-ctx
clusters:
- cluster:
    server: https://a.example:6443
    certificate-authority: certs/ca.crt
  name: shared
- cluster:
    server: https://only-a.example
    insecure-skip-tls-verify: true
    tls-server-name: kubernetes
  name: only-a
users:
- name: alice
  user:
    client-certificate: ../pki/alice.crt
    client-key: /abs/alice.key
    tokenFile: token
- name: plugin
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./bin/login
      args: [get-token, --cluster, a]
      env:
      - name: shared
        value: "not an entry"
      installHint: install login
contexts:
- context:
    cluster: shared
    user: alice
    namespace: team-a
  name: a-ctx
- context:
    cluster: only-a
    user: plugin
  name: shared-ctx
`;

const FILE_B = `apiVersion: v1
kind: Config
current-context: b-ctx
clusters:
- name: shared
  cluster:
    server: https://b.example
- name: only-b
  cluster:
    server: https://only-b.example
users:
- name: alice
  user:
    token: from-b
- name: bob
  user:
    token: bob-token
    as: admin
    as-groups: [system:masters, devs]
contexts:
- name: shared-ctx
  context:
    cluster: only-b
    user: bob
- name: b-ctx
  context:
    cluster: only-b
    user: bob
`;

describe('mergeKubeconfigs', () => {
  it('first file wins for current-context and for every cluster, user and context name', () => {
    const m = mergeKubeconfigs([
      { path: '/home/ann/.kube/config', text: FILE_A },
      { path: '/etc/kube/b.yaml', text: FILE_B },
    ]);
    assert.equal(m.currentContext, 'a-ctx');
    assert.equal(m.clusters.get('shared')?.server, 'https://a.example:6443');
    assert.equal(m.clusters.get('shared')?.file, '/home/ann/.kube/config');
    assert.equal(m.clusters.get('only-b')?.server, 'https://only-b.example');
    assert.equal(m.users.get('alice')?.token, undefined, 'alice from file A has no token; B’s alice is ignored');
    assert.equal(
      m.contexts.find((c) => c.name === 'shared-ctx')?.cluster,
      'only-a',
      'context defined in both files comes from the first',
    );
    assert.deepEqual(
      m.contexts.map((c) => c.name),
      ['a-ctx', 'shared-ctx', 'b-ctx'],
    );
    assert.deepEqual(m.problems, [], 'cross-file duplicates are ignored silently, like kubectl');
  });

  it('takes current-context from a later file when earlier files do not set it', () => {
    const m = mergeKubeconfigs([
      { path: '/a', text: 'apiVersion: v1\nkind: Config\ncurrent-context: ""\n' },
      { path: '/b', text: FILE_B },
    ]);
    assert.equal(m.currentContext, 'b-ctx');
  });

  it('skips missing files silently while another file exists', () => {
    const m = mergeKubeconfigs([
      { path: '/gone', text: undefined },
      { path: '/b', text: FILE_B },
    ]);
    assert.deepEqual(m.files, [
      { path: '/gone', exists: false },
      { path: '/b', exists: true },
    ]);
    assert.equal(m.currentContext, 'b-ctx');
    assert.deepEqual(m.problems, []);
  });

  it('reports "No kubeconfig found" with a hint when every file is missing', () => {
    for (const files of [[{ path: '/home/ann/.kube/config', text: undefined }], [
      { path: '/x', text: undefined },
      { path: '/y', text: undefined },
    ]]) {
      const m = mergeKubeconfigs(files);
      assert.equal(m.problems.length, 1);
      const p = m.problems[0]!;
      assert.match(p.message, /^No kubeconfig found at /);
      for (const f of files) assert.ok(p.message.includes(f.path), p.message);
      assert.match(p.hint, /KUBECONFIG/);
      assert.match(p.hint, /kubeAtlas\.kubeconfigFiles/);
    }
  });

  it('resolves relative paths against the file’s folder, leaves absolute ones and bare commands alone', () => {
    const m = mergeKubeconfigs([{ path: '/home/ann/.kube/config', text: FILE_A }]);
    assert.equal(m.clusters.get('shared')?.certificateAuthority, '/home/ann/.kube/certs/ca.crt');
    const alice = m.users.get('alice')!;
    assert.equal(alice.clientCertificate, '/home/ann/pki/alice.crt');
    assert.equal(alice.clientKey, '/abs/alice.key');
    assert.equal(alice.tokenFile, '/home/ann/.kube/token');
    assert.equal(m.users.get('plugin')?.exec?.command, '/home/ann/.kube/bin/login');

    const bare = mergeKubeconfigs([
      {
        path: '/k/config',
        text: 'users:\n- name: u\n  user:\n    exec:\n      command: aws\n      apiVersion: client.authentication.k8s.io/v1beta1\n',
      },
    ]);
    assert.equal(bare.users.get('u')?.exec?.command, 'aws', 'a bare command is looked up on PATH');
  });

  it('parses every field a transport needs', () => {
    const m = mergeKubeconfigs([
      { path: '/home/ann/.kube/config', text: FILE_A },
      { path: '/b', text: FILE_B },
    ]);
    const onlyA = m.clusters.get('only-a')!;
    assert.equal(onlyA.insecureSkipTlsVerify, true);
    assert.equal(onlyA.tlsServerName, 'kubernetes');
    const exec = m.users.get('plugin')!.exec!;
    assert.deepEqual(exec.args, ['get-token', '--cluster', 'a']);
    assert.deepEqual(exec.env, [{ name: 'shared', value: 'not an entry' }]);
    assert.equal(exec.apiVersion, 'client.authentication.k8s.io/v1');
    assert.equal(exec.installHint, 'install login');
    const bob = m.users.get('bob')!;
    assert.equal(bob.impersonate, 'admin');
    assert.deepEqual(bob.impersonateGroups, ['system:masters', 'devs']);
    assert.equal(m.contexts[0]?.namespace, 'team-a');
  });

  it('reports a YAML error with file and 1-based line, and still merges the other files', () => {
    const broken = 'apiVersion: v1\nclusters:\n- name: x\n  cluster:\n    server: [oops\n';
    const m = mergeKubeconfigs([
      { path: '/broken.yaml', text: broken },
      { path: '/b', text: FILE_B },
    ]);
    assert.equal(m.currentContext, 'b-ctx');
    assert.equal(m.contexts.length, 2);
    const p = m.problems.find((x) => x.file === '/broken.yaml');
    assert.ok(p, JSON.stringify(m.problems));
    assert.equal(typeof p.line, 'number');
    assert.ok(p.line! >= 5 && p.line! <= 6, `line ${p.line}`);
    assert.match(p.message, /YAML error in \/broken\.yaml line \d+/);
    assert.ok(p.hint.length > 0);
  });

  it('points at the exact line of a simple YAML error', () => {
    const text = 'apiVersion: v1\nkind: Config\ncurrent-context: x\n  bad-indent: 1\n';
    const p = mergeKubeconfigs([{ path: '/c', text }]).problems[0];
    assert.ok(p);
    assert.equal(p.file, '/c');
    assert.equal(p.line, 4);
  });

  it('reports contexts whose cluster or user no file defines, with context name, file and line', () => {
    const text = `contexts:
- name: good
  context: {cluster: c, user: u}
- name: lost-cluster
  context:
    cluster: nowhere
    user: u
- name: lost-user
  context:
    cluster: c
    user: nobody
clusters:
- name: c
  cluster: {server: https://c}
users:
- name: u
  user: {token: t}
`;
    const m = mergeKubeconfigs([{ path: '/k', text }]);
    assert.equal(m.problems.length, 2, JSON.stringify(m.problems));
    const [a, b] = m.problems;
    assert.equal(a?.context, 'lost-cluster');
    assert.equal(a?.file, '/k');
    assert.equal(a?.line, 4);
    assert.match(a!.message, /cluster "nowhere"/);
    assert.match(a!.hint, /Add a cluster named "nowhere"/);
    assert.equal(b?.context, 'lost-user');
    assert.equal(b?.line, 8);
    assert.match(b!.message, /user "nobody"/);
  });

  it('reports missing certificate files per context when given fileExists', () => {
    const m = mergeKubeconfigs([{ path: '/home/ann/.kube/config', text: FILE_A }], {
      fileExists: (p) => p !== '/home/ann/.kube/certs/ca.crt' && p !== '/abs/alice.key',
    });
    const msgs = m.problems.map((p) => p.message);
    assert.ok(
      msgs.includes('CA certificate file /home/ann/.kube/certs/ca.crt not found (from context a-ctx in file /home/ann/.kube/config)'),
      msgs.join('\n'),
    );
    assert.ok(msgs.includes('client key file /abs/alice.key not found (from context a-ctx in file /home/ann/.kube/config)'), msgs.join('\n'));
    const ca = m.problems.find((p) => p.message.startsWith('CA certificate'))!;
    assert.equal(ca.context, 'a-ctx');
    assert.equal(ca.line, 8, 'line of the cluster entry');
    assert.match(ca.hint, /relative paths are resolved against that file’s folder/);
  });

  it('keeps the first of two same-named entries in one file and reports the second', () => {
    const text = 'clusters:\n- name: c\n  cluster: {server: https://one}\n- name: c\n  cluster: {server: https://two}\n';
    const m = mergeKubeconfigs([{ path: '/k', text }]);
    assert.equal(m.clusters.get('c')?.server, 'https://one');
    assert.equal(m.problems.length, 1);
    assert.equal(m.problems[0]?.line, 4);
  });

  it('reports a current-context that names no context', () => {
    const m = mergeKubeconfigs([{ path: '/k', text: 'current-context: ghost\n' }]);
    assert.equal(m.currentContext, 'ghost');
    assert.match(m.problems[0]!.message, /current-context "ghost"/);
  });

  it('accepts an empty file as an empty config and rejects a non-mapping with a problem', () => {
    assert.deepEqual(mergeKubeconfigs([{ path: '/e', text: '' }]).problems, []);
    assert.deepEqual(mergeKubeconfigs([{ path: '/e', text: '# nothing yet\n' }]).problems, []);
    const m = mergeKubeconfigs([{ path: '/l', text: '- just\n- a list\n' }]);
    assert.equal(m.problems.length, 1);
    assert.equal(m.problems[0]?.file, '/l');
  });

  it('reports a file that exists but cannot be read', () => {
    const m = mergeKubeconfigs([{ path: '/locked', text: undefined, readError: 'EACCES: permission denied' }]);
    assert.equal(m.problems.length, 1);
    assert.match(m.problems[0]!.message, /Could not read \/locked: EACCES/);
  });

  it('takes scalar names and values as strings', () => {
    const text = 'clusters:\n- name: 1234\n  cluster: {server: https://n}\ncontexts:\n- name: true\n  context: {cluster: 1234, user: 5}\nusers:\n- name: 5\n  user: {}\n';
    const m = mergeKubeconfigs([{ path: '/k', text }]);
    assert.equal(m.clusters.get('1234')?.server, 'https://n');
    assert.equal(m.contexts[0]?.name, 'true');
    assert.deepEqual(m.problems, []);
  });
});

describe('findEntryLines', () => {
  it('finds entry names in both list styles and ignores nested names', () => {
    assert.deepEqual([...findEntryLines(FILE_A, 'users')], [
      ['alice', [15]],
      ['plugin', [20]],
    ]);
    assert.deepEqual([...findEntryLines(FILE_A, 'clusters')], [
      ['shared', [8]],
      ['only-a', [13]],
    ]);
    assert.deepEqual([...findEntryLines(FILE_B, 'contexts')], [
      ['shared-ctx', [21]],
      ['b-ctx', [25]],
    ]);
  });

  it('handles quoted names and indented sequences', () => {
    const text = 'contexts:\n  - name: "q x"\n    context: {}\n  - context: {}\n    name: \'y\' # comment\n';
    assert.deepEqual([...findEntryLines(text, 'contexts')], [
      ['q x', [2]],
      ['y', [5]],
    ]);
  });
});
