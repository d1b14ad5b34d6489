// Secrets never reach a message a user sees or a log keeps. Commands and URLs from a kubeconfig
// are shown in errors, hints, tooltips and the Output channel so a user can act on them; the
// parts that look like credentials are replaced by REDACTED there. Two layers:
// - structural: what we know to be secret (values of secret-named flags and env entries of an
//   exec plugin, a URL's password) is replaced exactly, wherever it appears (a plugin's stderr
//   may echo it);
// - by shape, for text we did not write (a server's message, a plugin's stderr, a proxy's
//   error): bearer tokens, JWTs, URL credentials and secret query parameters, `--secret=x`,
//   `NAME_TOKEN=x`, `"password": "x"`, private key blocks.
// Pure and cheap (a few regular expressions): applied whenever an error is built or a log line
// written, not on hot paths.

export const REDACTED = '***';

/** Known secrets shorter than this are not searched for: "1" or "on" would wreck the message. */
const MIN_KNOWN_SECRET = 4;
/** Values of secret-named settings that are switches, not secrets (USE_TOKEN=true). */
const NOT_A_SECRET = /^(true|false|yes|no|on|off|none|null|\d{1,6})$/i;

/**
 * Whether a flag, variable, parameter or key name names a secret: --client-secret, --token,
 * --password, --api-key, AWS_SECRET_ACCESS_KEY, clientSecret, X-Amz-Signature. Names of files
 * and folders holding one (--token-file, --token-cache-dir) are not: a path is not the secret
 * and showing it helps. --kubeconfig is not.
 */
export function isSecretName(name: string): boolean {
  const words = name
    .replace(/^-+/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (words.length === 0) return false;
  const last = words[words.length - 1]!;
  if (last === 'file' || last === 'path' || last === 'dir' || last === 'directory') return false;
  return words.some(
    (w) =>
      w.includes('secret') ||
      w.includes('token') ||
      w.includes('passw') ||
      w.includes('credential') ||
      w === 'pass' ||
      w === 'passphrase' ||
      w === 'sig' ||
      w === 'signature' ||
      w === 'key' ||
      w === 'keys' ||
      /^(api|access|private|secret|client|signing|master|account|session|auth|shared|encryption)keys?$/.test(w),
  );
}

/**
 * A command line with the values of secret-named flags replaced: `--client-secret=x` →
 * `--client-secret=***`, `--token x` → `--token ***`. Other arguments stay, so the command is
 * still recognisable in a hint.
 */
export function redactArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf('=');
    if (a.startsWith('-') && eq > 0 && isSecretName(a.slice(0, eq))) {
      out.push(`${a.slice(0, eq + 1)}${REDACTED}`);
    } else if (a.startsWith('-') && eq < 0 && isSecretName(a) && i + 1 < args.length && !args[i + 1]!.startsWith('-')) {
      out.push(a, REDACTED);
      i++;
    } else {
      out.push(redact(a));
    }
  }
  return out;
}

/** The secret values an exec plugin's definition carries: to be replaced wherever they show up. */
export function execSecrets(exec: { args: readonly string[]; env: readonly { name: string; value: string }[] }): string[] {
  const out: string[] = [];
  const { args } = exec;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf('=');
    if (a.startsWith('-') && eq > 0 && isSecretName(a.slice(0, eq))) out.push(a.slice(eq + 1));
    else if (a.startsWith('-') && eq < 0 && isSecretName(a) && i + 1 < args.length && !args[i + 1]!.startsWith('-')) out.push(args[++i]!);
  }
  for (const e of exec.env) if (isSecretName(e.name)) out.push(e.value);
  return out;
}

/**
 * A URL for display: the password (or a lone user name, often a token) of its userinfo and the
 * values of secret-named query parameters replaced. Works on strings that are not valid URLs too.
 */
export function redactUrl(url: string): string {
  return redactQuery(redactUserinfo(url));
}

/** Text for a user or a log, with known secrets and anything shaped like a credential replaced. */
export function redact(text: string, known: readonly string[] = []): string {
  if (!text) return text;
  let t = text;
  const values = [...new Set(known)].filter((k) => k.length >= MIN_KNOWN_SECRET && !NOT_A_SECRET.test(k)).sort((a, b) => b.length - a.length);
  for (const v of values) t = t.split(v).join(REDACTED);
  t = t.replace(PRIVATE_KEY, REDACTED);
  t = t.replace(AUTHORIZATION, (_m, head: string) => `${head}${REDACTED}`);
  t = t.replace(BEARER, (m, scheme: string, value: string) => (looksSecret(value) ? `${scheme} ${REDACTED}` : m));
  t = t.replace(JWT, REDACTED);
  t = redactUserinfo(t);
  t = redactQuery(t);
  t = t.replace(FLAG_EQ, (m, lead: string, flag: string) => (isSecretName(flag) ? `${lead}${flag}=${REDACTED}` : m));
  t = t.replace(FLAG_SPACE, (m, lead: string, flag: string, gap: string, value: string) =>
    isSecretName(flag) && looksSecret(unquote(value)) ? `${lead}${flag}${gap}${REDACTED}` : m,
  );
  t = t.replace(ENV_ASSIGN, (m, name: string) => (isSecretName(name) ? `${name}=${REDACTED}` : m));
  t = t.replace(JSON_PAIR, (m, key: string, sep: string) => (isSecretName(key) ? `"${key}"${sep}"${REDACTED}"` : m));
  t = t.replace(YAML_PAIR, (m, lead: string, key: string, value: string) => (isSecretName(key) && value !== REDACTED ? `${lead}${key}: ${REDACTED}` : m));
  return t;
}

const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;
// The header as printed by curl -v, Go's httputil dumps, or a proxy's echo of the request.
const AUTHORIZATION = /((?:proxy-)?authorization["']?\s*[:=]\s*["']?)(?:(?:bearer|basic|token|negotiate|digest)\s+)?[^\s"',;]+/gi;
// `Bearer <token>` in prose; "the bearer token" stays readable (see looksSecret).
const BEARER = /\b(bearer|basic)\s+([A-Za-z0-9\-._~+/]+=*)/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const FLAG_EQ = /(^|[\s'"`(=[,])(--?[A-Za-z][\w.-]*)=('[^']*'|"[^"]*"|[^\s'"`,;)\]]+)/g;
const FLAG_SPACE = /(^|[\s'"`(])(--[A-Za-z][\w.-]*)(\s+)('[^']*'|"[^"]*"|[^\s'"`,;)-][^\s'"`,;)]*)/g;
const ENV_ASSIGN = /\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{3,})=("[^"]*"|'[^']*'|[^\s'"`,;]+)/g;
const JSON_PAIR = /"([\w.-]+)"(\s*:\s*)"(?:[^"\\]|\\.)*"/g;
const YAML_PAIR = /^(\s*-?\s*)([\w.-]+):[ \t]+(\S[^\n]*)$/gm;

/** A value that reads like a credential rather than a word: "is", "required", "token" are not. */
function looksSecret(v: string): boolean {
  return (v.length >= 8 && /\d/.test(v)) || v.length >= 20 || (v.length >= 8 && /[A-Z]/.test(v) && /[a-z]/.test(v) && !/^[A-Z][a-z]+$/.test(v));
}

function unquote(v: string): string {
  return /^(['"]).*\1$/.test(v) ? v.slice(1, -1) : v;
}

// scheme://user:password@host → scheme://user:***@host; scheme://token@host → scheme://***@host.
// The userinfo is everything before the last @ of the authority, which cannot hold / ? # or space.
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#]*)@/gi;

function redactUserinfo(text: string): string {
  return text.replace(USERINFO, (_m, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return colon >= 0 ? `${scheme}${userinfo.slice(0, colon)}:${REDACTED}@` : `${scheme}${REDACTED}@`;
  });
}

const QUERY_PARAM = /([?&;])([^=&#\s?]+)=([^&#\s;'"`)]*)/g;

function redactQuery(text: string): string {
  return text.replace(QUERY_PARAM, (m, sep: string, name: string) => {
    let decoded = name;
    try {
      decoded = decodeURIComponent(name);
    } catch {
      // keep the raw name
    }
    return isSecretName(decoded) ? `${sep}${name}=${REDACTED}` : m;
  });
}
