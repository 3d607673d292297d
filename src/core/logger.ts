import type { SourceLocation } from "./model.js";

/**
 * What the gate says while it works; the action's is backed by @actions/core
 * (src/action.ts), the CLI's writes to stderr. A message may quote outside
 * text (an Azure error, a name, a tag): each implementation is the sink that
 * makes it safe, the action's through forLog and forAnnotation (src/escape.ts),
 * the CLI's through terminalSafe, with the run's secrets redacted.
 */
export interface Logger {
  info(message: string): void;
  debug(message: string): void;
  warning(message: string, where?: SourceLocation & { title?: string }): void;
  error(message: string, where?: SourceLocation & { title?: string }): void;
  /** Something the user should see that is neither wrong nor risky (a step skipped); info where absent. */
  notice?(message: string): void;
  /**
   * A secret (a token, an assertion): registered for redaction (src/secrets.ts)
   * and, in the action, masked by the runner in every log line from now on.
   */
  mask(secret: string): void;
}
