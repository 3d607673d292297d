/**
 * The one error a user can act on. Its message says what is wrong and where
 * (input, file and line, resource); `hint` says what to do about it.
 */
export class GateError extends Error {
  readonly hint: string | undefined;

  constructor(message: string, hint?: string) {
    super(message);
    this.name = "GateError";
    this.hint = hint;
  }
}

/** Any thrown value as a message; a thrown string or object never passes silently. */
export function describeError(error: unknown): string {
  if (error instanceof GateError) {
    return error.hint ? `${error.message} ${error.hint}` : error.message;
  }
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
