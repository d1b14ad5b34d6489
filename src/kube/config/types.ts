// Kubeconfig as the extension sees it: merged from several files with kubectl's rules, each
// problem attributed to its file (and line where we have one) so the tree can show a fix.

export interface KubeconfigProblem {
  /** File the problem is in; undefined when it is about the merged view (e.g. unknown cluster). */
  file?: string;
  /** 1-based line, when the problem is a YAML error or we can locate the entry. */
  line?: number;
  /** The context it affects, when it affects one context only. */
  context?: string;
  message: string;
  /** What the user can do about it. */
  hint: string;
  /** Not a fault but something deliberate the user should know of (a file skipped in Restricted Mode). */
  notice?: boolean;
}

export interface ClusterEntry {
  name: string;
  server: string;
  certificateAuthority?: string; // absolute path (relative paths resolved against their file)
  certificateAuthorityData?: string; // base64
  insecureSkipTlsVerify?: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
  /** File this entry came from. */
  file: string;
  /** 1-based line of the entry's `name:` in that file, when it could be found. */
  line?: number;
}

export interface ExecConfig {
  command: string; // resolved against the file's folder when it contains a path separator
  args: string[];
  env: { name: string; value: string }[];
  apiVersion: string;
  installHint?: string;
  provideClusterInfo?: boolean;
  interactiveMode?: string;
}

export interface UserEntry {
  name: string;
  clientCertificate?: string;
  clientCertificateData?: string;
  clientKey?: string;
  clientKeyData?: string;
  token?: string;
  tokenFile?: string;
  username?: string;
  password?: string;
  exec?: ExecConfig;
  /** Legacy auth-provider (oidc, gcp, azure): handed to client-node as is. */
  authProvider?: { name: string; config: Record<string, string> };
  impersonate?: string;
  impersonateGroups?: string[];
  /** `as-uid` and `as-user-extra`: sent as Impersonate-Uid / Impersonate-Extra-<key>. */
  impersonateUid?: string;
  impersonateExtra?: Record<string, string[]>;
  file: string;
  /** 1-based line of the entry's `name:` in that file, when it could be found. */
  line?: number;
}

export interface ContextEntry {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
  file: string;
  /** 1-based line of the entry's `name:` in that file, when it could be found. */
  line?: number;
}

export interface MergedKubeconfig {
  /** Files considered, in precedence order, and whether each existed. */
  files: { path: string; exists: boolean }[];
  currentContext: string | undefined;
  contexts: ContextEntry[];
  clusters: Map<string, ClusterEntry>;
  users: Map<string, UserEntry>;
  problems: KubeconfigProblem[];
}
