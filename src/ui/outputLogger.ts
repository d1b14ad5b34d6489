// Routes the core's Logger to the "Kube Atlas" Output channel (a LogOutputChannel, so users get
// levels and timestamps and can raise verbosity with "Developer: Set Log Level").
import type * as vscode from 'vscode';
import type { Logger } from '../kube/util/logger';

export function outputLogger(channel: vscode.LogOutputChannel): Logger {
  return {
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m) => channel.error(m),
    debug: (m) => channel.debug(m),
  };
}
