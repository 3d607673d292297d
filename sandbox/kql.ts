/**
 * The small subset of KQL (Kusto Query Language, as Azure Resource Graph runs
 * it) that the sandbox evaluates: a table, then `where` (`=~`, `==`, `!=`,
 * `in~`, `in`, `and`, `or`, parentheses, paths like `properties.a.b` and
 * `tags['k']`), `project` (a path, or `name = path`) and `order by` / `sort by`.
 * String literals follow Kusto's rules (Microsoft Learn, "The string data
 * type": single or double quotes, the backslash escaping the quotes, `\t`,
 * `\n`, `\r` and itself). Anything else is a KqlError, which the endpoint
 * answers as Resource Graph answers a query it cannot parse.
 */
export class KqlError extends Error {
  constructor(
    message: string,
    readonly position: number,
    readonly token: string,
  ) {
    super(message);
    this.name = "KqlError";
  }
}

type Token =
  | { kind: "ident"; text: string; at: number }
  | { kind: "string"; text: string; at: number }
  | { kind: "op"; text: string; at: number };

const ESCAPES: Record<string, string> = { "\\": "\\", "'": "'", '"': '"', t: "\t", n: "\n", r: "\r" };

function readString(query: string, start: number): { text: string; end: number } {
  const quote = query[start];
  let text = "";
  for (let at = start + 1; at < query.length; at += 1) {
    const char = query[at];
    if (char === quote) return { text, end: at + 1 };
    if (char === "\n" || char === "\r") break;
    if (char !== "\\") {
      text += char;
      continue;
    }
    const escaped = ESCAPES[query[at + 1] ?? ""];
    if (escaped === undefined) throw new KqlError("unknown escape in a string literal", at, query.slice(at, at + 2));
    text += escaped;
    at += 1;
  }
  throw new KqlError("unterminated string literal", start, query.slice(start, start + 20));
}

const OPERATORS = ["=~", "==", "!=", "|", ",", "(", ")", "[", "]", ".", "="];

export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < query.length) {
    const char = query[at] ?? "";
    if (/\s/.test(char)) {
      at += 1;
    } else if (char === "'" || char === '"') {
      const { text, end } = readString(query, at);
      tokens.push({ kind: "string", text, at });
      at = end;
    } else if (/[A-Za-z_]/.test(char)) {
      const text = /^[A-Za-z_][A-Za-z0-9_]*/.exec(query.slice(at))?.[0] ?? char;
      const tilde = text === "in" && query[at + text.length] === "~";
      tokens.push({ kind: "ident", text: tilde ? "in~" : text, at });
      at += text.length + (tilde ? 1 : 0);
    } else {
      const op = OPERATORS.find((candidate) => query.startsWith(candidate, at));
      if (!op) throw new KqlError(`unexpected character '${char}'`, at, char);
      tokens.push({ kind: "op", text: op, at });
      at += op.length;
    }
  }
  return tokens;
}

export type Path = (string | { key: string })[];

export type Condition =
  | { kind: "and" | "or"; left: Condition; right: Condition }
  | { kind: "compare"; path: Path; op: "=~" | "==" | "!="; value: string }
  | { kind: "in"; path: Path; caseless: boolean; values: string[] };

export type Operator =
  | { kind: "where"; condition: Condition }
  | { kind: "project"; columns: { name: string; path: Path }[] }
  | { kind: "order"; keys: { path: Path; descending: boolean }[] };

export interface Query {
  table: string;
  operators: Operator[];
}

/** A recursive-descent parser over the tokens; every method consumes what it reads. */
class Parser {
  private at = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly length: number,
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private fail(expected: string): never {
    const token = this.peek();
    throw new KqlError(`expected ${expected}`, token?.at ?? this.length, token?.text ?? "<end>");
  }

  private accept(kind: Token["kind"], text?: string): Token | undefined {
    const token = this.peek();
    const same = text === undefined || token?.text.toLowerCase() === text.toLowerCase();
    if (token?.kind !== kind || !same) return undefined;
    this.at += 1;
    return token;
  }

  private expect(kind: Token["kind"], text?: string): Token {
    return this.accept(kind, text) ?? this.fail(text ? `'${text}'` : kind);
  }

  query(): Query {
    const table = this.expect("ident").text;
    const operators: Operator[] = [];
    while (this.accept("op", "|")) operators.push(this.operator());
    if (this.peek()) this.fail("'|' or the end of the query");
    return { table, operators };
  }

  private operator(): Operator {
    const name = this.expect("ident").text.toLowerCase();
    if (name === "where") return { kind: "where", condition: this.or() };
    if (name === "project") return { kind: "project", columns: this.list(() => this.column()) };
    if (name === "order" || name === "sort") {
      this.expect("ident", "by");
      return { kind: "order", keys: this.list(() => this.orderKey()) };
    }
    this.at -= 1;
    return this.fail("where, project or order by");
  }

  private list<T>(item: () => T): T[] {
    const items = [item()];
    while (this.accept("op", ",")) items.push(item());
    return items;
  }

  private column(): { name: string; path: Path } {
    const first = this.expect("ident");
    if (this.accept("op", "=")) return { name: first.text, path: this.path() };
    this.at -= 1;
    const path = this.path();
    const last = [...path].reverse().find((step): step is string => typeof step === "string");
    return { name: last ?? first.text, path };
  }

  private orderKey(): { path: Path; descending: boolean } {
    const path = this.path();
    // Kusto sorts descending unless told `asc` (Microsoft Learn, Kusto "sort operator").
    const ascending = this.accept("ident", "asc") !== undefined;
    if (!ascending) this.accept("ident", "desc");
    return { path, descending: !ascending };
  }

  private path(): Path {
    const path: Path = [this.expect("ident").text];
    for (;;) {
      if (this.accept("op", ".")) path.push(this.expect("ident").text);
      else if (this.accept("op", "[")) {
        path.push({ key: this.expect("string").text });
        this.expect("op", "]");
      } else return path;
    }
  }

  private or(): Condition {
    let left = this.and();
    while (this.accept("ident", "or")) left = { kind: "or", left, right: this.and() };
    return left;
  }

  private and(): Condition {
    let left = this.atom();
    while (this.accept("ident", "and")) left = { kind: "and", left, right: this.atom() };
    return left;
  }

  private atom(): Condition {
    if (this.accept("op", "(")) {
      const inner = this.or();
      this.expect("op", ")");
      return inner;
    }
    const path = this.path();
    const membership = this.accept("ident", "in~") ?? this.accept("ident", "in");
    if (membership) {
      this.expect("op", "(");
      const values = this.list(() => this.expect("string").text);
      this.expect("op", ")");
      return { kind: "in", path, caseless: membership.text === "in~", values };
    }
    const op =
      this.accept("op", "=~") ?? this.accept("op", "==") ?? this.accept("op", "!=") ?? this.fail("=~, ==, != or in~");
    return { kind: "compare", path, op: op.text as "=~" | "==" | "!=", value: this.expect("string").text };
  }
}

export function parseKql(query: string): Query {
  return new Parser(tokenize(query), query.length).query();
}

export type Row = Record<string, unknown>;

function valueAt(row: Row, path: Path): unknown {
  let value: unknown = row;
  for (const step of path) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
    value = (value as Row)[typeof step === "string" ? step : step.key];
  }
  return value ?? null;
}

function matches(row: Row, condition: Condition): boolean {
  switch (condition.kind) {
    case "and":
      return matches(row, condition.left) && matches(row, condition.right);
    case "or":
      return matches(row, condition.left) || matches(row, condition.right);
    case "in": {
      const value = valueAt(row, condition.path);
      if (typeof value !== "string") return false;
      const fold = (text: string) => (condition.caseless ? text.toLowerCase() : text);
      return condition.values.some((candidate) => fold(candidate) === fold(value));
    }
    case "compare": {
      const value = valueAt(row, condition.path);
      const text = typeof value === "string" ? value : null;
      if (condition.op === "=~") return text !== null && text.toLowerCase() === condition.value.toLowerCase();
      if (condition.op === "==") return text === condition.value;
      return text !== condition.value;
    }
  }
}

function compareValues(a: unknown, b: unknown): number {
  return String(a ?? "").localeCompare(String(b ?? ""));
}

function pathsOf(condition: Condition): Path[] {
  if ("path" in condition) return [condition.path];
  return [...pathsOf(condition.left), ...pathsOf(condition.right)];
}

/** The rows a query keeps, in its order; a column no row of the table has is an error, as in Kusto. */
export function evaluate(query: Query, rows: Row[], columns: readonly string[]): Row[] {
  let known = new Set(columns);
  let result = rows;
  const check = (path: Path) => {
    const first = path[0];
    if (typeof first !== "string" || !known.has(first)) {
      throw new KqlError(`unknown column '${String(first)}'`, 0, String(first));
    }
  };
  for (const operator of query.operators) {
    if (operator.kind === "where") {
      pathsOf(operator.condition).forEach(check);
      result = result.filter((row) => matches(row, operator.condition));
    } else if (operator.kind === "project") {
      operator.columns.forEach((column) => check(column.path));
      result = result.map((row) =>
        Object.fromEntries(operator.columns.map((column) => [column.name, valueAt(row, column.path)])),
      );
      known = new Set(operator.columns.map((column) => column.name));
    } else {
      operator.keys.forEach((key) => check(key.path));
      result = [...result].sort((a, b) => {
        for (const key of operator.keys) {
          const order = compareValues(valueAt(a, key.path), valueAt(b, key.path));
          if (order !== 0) return key.descending ? -order : order;
        }
        return 0;
      });
    }
  }
  return result;
}
