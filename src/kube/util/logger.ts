// The core logs through this interface; the VS Code adapter routes it to the Output channel and
// tests to the console. Never pass tokens or secret data: messages are shown to users.
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };
