import type { SourceLocation } from "./model.js";

/** What the gate says while it works; the action's is backed by @actions/core. */
export interface Logger {
  info(message: string): void;
  debug(message: string): void;
  warning(message: string, where?: SourceLocation & { title?: string }): void;
  error(message: string, where?: SourceLocation & { title?: string }): void;
  /** Something the user should see that is neither wrong nor risky (a step skipped); info where absent. */
  notice?(message: string): void;
  /** Hides a value (a token, an assertion) from every log line from now on. */
  mask(secret: string): void;
}
