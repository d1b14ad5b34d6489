// Routes the core's Logger to the "Kube Atlas" Output channel (a LogOutputChannel, so users get
// levels and timestamps and can raise verbosity with "Developer: Set Log Level"). Every line is
// redacted on the way out: the log is the place users paste into bug reports.
import type * as vscode from 'vscode';
import type { Logger } from '../kube/util/logger';
import { redact } from '../kube/util/redact';

export function outputLogger(channel: vscode.LogOutputChannel): Logger {
  return {
    info: (m) => channel.info(redact(m)),
    warn: (m) => channel.warn(redact(m)),
    error: (m) => channel.error(redact(m)),
    debug: (m) => channel.debug(redact(m)),
  };
}
