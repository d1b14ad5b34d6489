// Why an image pull failed, from the kubelet's messages: the runtime's error is passed through
// in the Failed event ("Failed to pull image \"x\": …") and the ErrImagePull waiting message.
// Registries word these differently; the phrases matched are those of containerd/CRI-O with
// Docker Hub, GHCR, ECR, GCR/Artifact Registry and Harbor (e.g. containerd's "failed to resolve
// reference …: not found", Docker Hub's "pull access denied … may require authorization",
// "toomanyrequests: You have reached your pull rate limit").

export type PullProblem = 'not-found' | 'auth' | 'rate-limit' | 'invalid-name' | 'network' | 'unknown';

export function classifyPull(message: string): PullProblem {
  const m = message.toLowerCase();
  if (/toomanyrequests|rate limit|too many requests|429/.test(m)) return 'rate-limit';
  if (/invalid reference format|couldn't parse image|invalidimagename|repository name must be lowercase/.test(m)) return 'invalid-name';
  if (/unauthorized|authorization failed|access denied|requested access to the resource is denied|forbidden|401|403|authentication required|no basic auth credentials|denied:/.test(m)) return 'auth';
  if (/not found|manifest unknown|name unknown|does not exist|404/.test(m)) return 'not-found';
  if (/i\/o timeout|no such host|connection refused|dial tcp|tls handshake|context deadline exceeded|network is unreachable/.test(m)) return 'network';
  return 'unknown';
}

export const PULL_TEXT: Readonly<Record<PullProblem, { summary: string; next: string }>> = {
  'not-found': {
    summary: 'image or tag not found',
    next: 'Check the image name and tag (a typo, a tag never pushed, or the wrong registry); `docker manifest inspect IMAGE` or the registry UI shows what exists.',
  },
  auth: {
    summary: 'registry refused the credentials',
    next: 'The registry needs credentials: add an imagePullSecret (kubernetes.io/dockerconfigjson) to the pod or its ServiceAccount, and check it grants read on this repository.',
  },
  'rate-limit': {
    summary: 'registry rate limit',
    next: 'The registry is rate limiting anonymous or free pulls: authenticate with an imagePullSecret, use a mirror or pull-through cache, or wait for the limit to reset.',
  },
  'invalid-name': {
    summary: 'invalid image name',
    next: 'Fix the image reference (lowercase repository, `registry/repo:tag` or `@sha256:` digest).',
  },
  network: {
    summary: 'registry unreachable from the node',
    next: 'The node cannot reach the registry (DNS, proxy, firewall): check the node\'s egress and the registry host name.',
  },
  unknown: {
    summary: 'image pull failed',
    next: 'Read the pull error below; `kubectl describe pod` shows the same events.',
  },
};
