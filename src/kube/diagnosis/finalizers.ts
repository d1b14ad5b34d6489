// Which controller is expected to remove a finalizer, for "why is this object stuck
// terminating". Built-in ones from kube-controller-manager and the apiserver (names as in
// k8s.io/kubernetes pkg/controller and staging/src/k8s.io/apimachinery/pkg/apis/meta/v1 types);
// well-known add-ons by their domain; anything else: the controller of that domain.

const KNOWN: Readonly<Record<string, string>> = {
  'kubernetes.io/pvc-protection': 'kube-controller-manager (pvc-protection controller): removed once no pod uses the claim',
  'kubernetes.io/pv-protection': 'kube-controller-manager (pv-protection controller): removed once the volume is no longer bound to a claim',
  foregroundDeletion: 'the garbage collector (kube-controller-manager): removed once every dependent with blockOwnerDeletion is deleted',
  orphan: 'the garbage collector (kube-controller-manager): removed once dependents are orphaned (their ownerReferences dropped)',
  'kubernetes.io/service-account-token': 'kube-controller-manager (token controller)',
  'batch.kubernetes.io/job-tracking': 'kube-controller-manager (job controller): removed once the Job has counted the pod',
  'service.kubernetes.io/load-balancer-cleanup': 'the cloud controller manager (service controller): removed once the load balancer is deleted',
  'external-attacher/': 'the CSI external-attacher of the driver named after the slash',
  'kubernetes': 'the namespace controller (kube-controller-manager): removed once every object in the namespace is gone',
  'kubernetes.io/legacy-token-invalidated': 'kube-controller-manager (legacy token cleaner)',
  'resource.kubernetes.io/delete-protection': 'the resource claim controller (DRA)',
  'snapshot.storage.kubernetes.io/volumesnapshot-as-source-protection': 'the CSI snapshot controller',
  'snapshot.storage.kubernetes.io/volumesnapshot-bound-protection': 'the CSI snapshot controller',
  'cert-manager.io/finalizer': 'cert-manager',
  'argocd.argoproj.io/finalizer': 'Argo CD (application controller)',
  'resources-finalizer.argocd.argoproj.io': 'Argo CD (application controller): deletes the app\'s resources first',
  'finalizers.fluxcd.io': 'Flux (the kind\'s controller)',
};

export function finalizerController(f: string): string {
  const exact = KNOWN[f];
  if (exact) return exact;
  if (f.startsWith('external-attacher/')) return `the CSI external-attacher of driver ${f.slice('external-attacher/'.length)}`;
  if (f.startsWith('kubernetes.io/')) return 'a Kubernetes controller (kube-controller-manager)';
  const domain = f.includes('/') ? f.slice(0, f.indexOf('/')) : f;
  return domain.includes('.') ? `the controller of ${domain} (a custom controller or operator; is it running?)` : 'an unknown controller (is the operator that added it still installed?)';
}
