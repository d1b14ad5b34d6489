// The redaction rules on their own: what counts as a secret name, how a command line and a URL
// are shown, and that ordinary messages (hints, kubectl commands, paths) come through untouched.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { execSecrets, isSecretName, REDACTED, redact, redactArgs, redactUrl } from '../../src/kube/util/redact';

describe('redact', () => {
  it('knows secret names, and names that only look alike', () => {
    for (const n of ['--client-secret', '--token', '--password', '--api-key', '--oidc-client-secret', 'AWS_SECRET_ACCESS_KEY', 'API_KEY', 'GITHUB_TOKEN', 'clientSecret', 'accessToken', 'X-Amz-Signature', 'X-Amz-Credential', 'sig', 'access_token', 'passwd', '--key', 'AZURE_CLIENT_CREDENTIALS']) {
      assert.ok(isSecretName(n), n);
    }
    for (const n of ['--kubeconfig', '--region', '--cluster-name', '--token-file', '--token-cache-dir', '--password-file', 'AWS_PROFILE', 'PWD', '--monkey', '--keyring-path', 'HOME', '--server', 'tokenFile', 'x']) {
      assert.ok(!isSecretName(n), n);
    }
  });

  it('shows a command line with secret flag values replaced and everything else kept', () => {
    assert.deepEqual(
      redactArgs(['eks', 'get-token', '--cluster-name', 'prod', '--client-secret=abc', '--token', 'xyz', '--kubeconfig', '/home/u/.kube/config', '--password=p', '--verbose']),
      ['eks', 'get-token', '--cluster-name', 'prod', `--client-secret=${REDACTED}`, '--token', REDACTED, '--kubeconfig', '/home/u/.kube/config', `--password=${REDACTED}`, '--verbose'],
    );
    // A flag at the end, or followed by another flag, has no value to hide.
    assert.deepEqual(redactArgs(['--use-token', '--x']), ['--use-token', '--x']);
    // URLs among the arguments lose their credentials.
    assert.deepEqual(redactArgs(['--issuer=https://u:pw@idp.example/?client_secret=s']), [`--issuer=https://u:${REDACTED}@idp.example/?client_secret=${REDACTED}`]);
  });

  it('collects the secret values of a plugin definition, not its switches', () => {
    assert.deepEqual(
      execSecrets({
        args: ['--client-secret=abc1', '--token', 'xyz2', '--region', 'eu'],
        env: [
          { name: 'API_KEY', value: 'k3' },
          { name: 'AWS_PROFILE', value: 'dev' },
        ],
      }),
      ['abc1', 'xyz2', 'k3'],
    );
    // Known values are replaced wherever they appear; short values and switches are not searched.
    assert.equal(redact('value hunter22 and true and k3', ['hunter22', 'true', 'k3']), `value ${REDACTED} and true and k3`);
  });

  it('takes credentials out of URLs, valid or not', () => {
    assert.equal(redactUrl('http://user:pass@proxy:3128'), `http://user:${REDACTED}@proxy:3128`);
    assert.equal(redactUrl('https://ghp_abc123@host/x'), `https://${REDACTED}@host/x`);
    assert.equal(redactUrl('https://api.example:6443/k8s?token=abc&region=eu#x'), `https://api.example:6443/k8s?token=${REDACTED}&region=eu#x`);
    // An unescaped @ in the password: the userinfo ends at the authority's last @. Not a valid URL.
    assert.equal(redactUrl('http://u:p@ss@proxy:no-port'), `http://u:${REDACTED}@proxy:no-port`);
    assert.equal(redactUrl('https://127.0.0.1:6443'), 'https://127.0.0.1:6443');
    assert.equal(redactUrl('socks5://a:b@127.0.0.1:1080'), `socks5://a:${REDACTED}@127.0.0.1:1080`);
  });

  it('finds bearer tokens, JWTs, headers, assignments and key blocks in free text', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJrOHMifQ.c2lnbmF0dXJl';
    const cases: [string, string][] = [
      [`Authorization: Bearer abc.def`, `Authorization: ${REDACTED}`],
      [`"authorization":"Basic dXNlcjpwdw=="`, `"authorization":"${REDACTED}"`],
      [`got Bearer 8f14e45fceea167a5a36dedd4bea2543 from cache`, `got Bearer ${REDACTED} from cache`],
      [`token ${jwt} expired`, `token ${REDACTED} expired`],
      [`run with --client-secret=s3cr3t now`, `run with --client-secret=${REDACTED} now`],
      [`run with --token 9a8b7c6d5e4f`, `run with --token ${REDACTED}`],
      [`AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG and AWS_REGION=eu-west-1`, `AWS_SECRET_ACCESS_KEY=${REDACTED} and AWS_REGION=eu-west-1`],
      [`{"access_token": "ya29.a0AfH6SM", "expires_in": 3599}`, `{"access_token": "${REDACTED}", "expires_in": 3599}`],
      [`users:\n- name: u\n  user:\n    token: abcdef\n    client-key-data: LS0tLS1\n    tokenFile: /var/run/token`, `users:\n- name: u\n  user:\n    token: ${REDACTED}\n    client-key-data: ${REDACTED}\n    tokenFile: /var/run/token`],
      [`-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEI\n-----END EC PRIVATE KEY----- done`, `${REDACTED} done`],
    ];
    for (const [input, want] of cases) assert.equal(redact(input), want, input);
  });

  it('leaves ordinary messages alone', () => {
    for (const text of [
      'RBAC forbids list on pods in namespace x: ask a cluster admin for access (`kubectl auth can-i list pods -n x` shows what you may do).',
      'The cluster rejected the credentials or they expired: refresh the token in the kubeconfig (log in again), then retry.',
      'token file /var/run/secrets/kubernetes.io/serviceaccount/token not found (from context c in file /k/config)',
      'error: --password is required',
      'the bearer token has expired',
      'Basic authentication is disabled',
      'Is the cluster running? Check the server URL https://127.0.0.1:6443 of cluster "c" in /home/u/.kube/config.',
      'Opening browser for login at https://login.example/device?user_code=ABCD',
      'list pods failed: HTTP 403 Forbidden — pods is forbidden: User "system:serviceaccount:default:x" cannot list resource "pods"',
      `Run \`aws --region eu-west-1 eks get-token --cluster-name prod --output json\` in a terminal`,
    ]) {
      assert.equal(redact(text), text);
    }
  });

  it('is idempotent', () => {
    const once = redact('--token=abc Authorization: Bearer x http://u:p@h ?key=v');
    assert.equal(redact(once), once);
  });
});
