/**
 * One escaping function per sink, table-driven: the Actions log, annotations,
 * JSON files, Markdown (prose, lines, code spans, table cells) and the
 * terminal. Each row is outside text and what the sink must show.
 */
import { terminalSafe } from "../src/entry/cli/terminal.js";
import { forAnnotation, forLog, jsonSafe, showControls } from "../src/core/escape.js";
import { code, codeCell, escapeMarkdown, escapeMarkdownLines } from "../src/present/markdown-text.js";
import { registerSecret } from "../src/core/secrets.js";

const SECRET = "sk-escape-test-0f9e8d7c6b5a";

beforeAll(() => registerSecret(SECRET));

/** Would the runner take this line as a workflow command? (actions/runner ActionCommand.TryParseV2 and TryParse) */
function isWorkflowCommand(line: string): boolean {
  return /^::[a-z-]+( [^:]*)?::/i.test(line.trimStart()) || /##\[[a-z-]+/i.test(line);
}

describe("forLog: one log line that is never a workflow command", () => {
  it.each([
    ["plain text", "plain text"],
    ["Service down.\n::error::injected", "Service down.\\n::error::injected"],
    ["a\r\n::add-mask::x\rb", "a\\n::add-mask::x\\rb"],
    ["::error::starts the line", "\\u003a:error::starts the line"],
    ["  \t::notice::after white space", "  \t\\u003a:notice::after white space"],
    ["\u00a0::warning::after a no-break space", "\u00a0\\u003a:warning::after a no-break space"],
    [
      "legacy ##[error]anywhere and ##[stop-commands]tok",
      "legacy #\\u0023[error]anywhere and #\\u0023[stop-commands]tok",
    ],
    ["colour \u001b[31mred\u001b[0m and C1 \u009b2J", "colour \\u001b[31mred\\u001b[0m and C1 \\u009b2J"],
    ["rtl \u202egnp.exe\u202c isolate \u2066x\u2069", "rtl \\u202egnp.exe\\u202c isolate \\u2066x\\u2069"],
    [`token ${SECRET} quoted`, "token *** quoted"],
    ["a :: in the middle stays", "a :: in the middle stays"],
  ])("%j → %j", (text, logged) => {
    expect(forLog(text)).toBe(logged);
    expect(forLog(text)).not.toMatch(/[\r\n]/);
    expect(isWorkflowCommand(forLog(text))).toBe(false);
  });
});

describe("forAnnotation: the toolkit escapes the data; breaks stay, controls show", () => {
  it.each([
    ["two\nlines", "two\nlines"],
    ["crlf\r\nline", "crlf\nline"],
    ["lone\rcr", "lone\\u000dcr"],
    ["esc \u001b]8;;https://evil\u0007link", "esc \\u001b]8;;https://evil\\u0007link"],
    ["bidi \u202e and \u200f", "bidi \\u202e and \\u200f"],
    [`Bearer ${SECRET}`, "Bearer ***"],
  ])("%j → %j", (text, shown) => {
    expect(forAnnotation(text)).toBe(shown);
  });
});

describe("showControls and jsonSafe", () => {
  it.each([
    ["\u0000\u0008\u001f\u007f\u0085\u009f", "\\u0000\\u0008\\u001f\\u007f\\u0085\\u009f"],
    ["\u061c\u200e\u2028\u2029\u202a\u202d\u2067", "\\u061c\\u200e\\u2028\\u2029\\u202a\\u202d\\u2067"],
    ["zero\u200bwidth space, ünïcode ✓ and emoji 🚀 stay", "zero\u200bwidth space, ünïcode ✓ and emoji 🚀 stay"],
  ])("showControls(%j) = %j", (text, shown) => {
    expect(showControls(text)).toBe(shown);
  });

  it("keeps what it is told to keep", () => {
    expect(showControls("a\n\tb\r", "\n\t")).toBe("a\n\tb\\u000d");
  });

  it("escapes the marks JSON.stringify leaves raw, and the JSON parses to the same value", () => {
    const value = { owner: "\u202eGH-1\u001b[2J\u009b", list: ["\u2066x\u2069"] };
    const text = jsonSafe(JSON.stringify(value, null, 2));
    for (const mark of ["\u001b", "\u009b", "\u202e", "\u2066", "\u2069"]) expect(text).not.toContain(mark);
    expect(text).toContain("\\u202eGH-1\\u001b[2J\\u009b");
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe("escapeMarkdown: outside text in a line of Markdown", () => {
  it.each([
    ["# heading", "# heading"],
    ["![x](https://evil.example/i.png)", "!\\[x\\](https:\u200b//evil.example/i.png)"],
    ['<img src=x onerror="alert(1)">', '\\<img src=x onerror="alert(1)"\\>'],
    ["`code` *em* _em_ ~~s~~ a|b", "\\`code\\` \\*em\\* \\_em\\_ \\~\\~s\\~\\~ a\\|b"],
    ["$\\color{red}{x}$", "\\$\\\\color{red}{x}\\$"],
    ["see GH-1, gh-22 and #3, o/r#4", "see GH-\u200b1, gh-\u200b22 and #\u200b3, o/r#\u200b4"],
    ["@octocat and @org/team", "@\u200boctocat and @\u200borg/team"],
    ["esc \u001b[31m bidi \u202e", "esc \\u001b\\[31m bidi \\u202e"],
    ["line\nbreak\ttab", "line break tab"],
    [`token ${SECRET}_x`, "token \\*\\*\\*\\_x"],
  ])("%j → %j", (text, escaped) => {
    expect(escapeMarkdown(text)).toBe(escaped);
  });
});

describe("escapeMarkdownLines: an error message of several lines as inert paragraphs", () => {
  it.each([
    [
      "# Heading\n- item\n+ item\n1. first\n2) second\n===",
      "\\# Heading\n\n\\- item\n\n\\+ item\n\n1\\. first\n\n2\\) second\n\n\\===",
    ],
    ["> quote\n<details>\n```fence", "\\> quote\n\n\\<details\\>\n\n\\`\\`\\`fence"],
    ["Azure said:\n\n  [click](https://evil) GH-7", "Azure said:\n\n  \\[click\\](https:\u200b//evil) GH-\u200b7"],
  ])("%j", (text, escaped) => {
    expect(escapeMarkdownLines(text)).toBe(escaped);
  });
});

describe("code spans and table cells", () => {
  it.each([
    ["nodePools[a`b]", "`nodePools[a'b]`"],
    ["two\nlines", "`two lines`"],
    ["bidi\u202eesc\u001b", "`bidi\\u202eesc\\u001b`"],
    [SECRET, "`***`"],
  ])("code(%j) = %j", (text, span) => {
    expect(code(text)).toBe(span);
  });

  it("escapes a pipe in a code span that sits in a table cell", () => {
    expect(codeCell("routes[a|b]")).toBe("`routes[a\\|b]`");
  });
});

describe("terminalSafe: one terminal line", () => {
  it.each([
    ["\u001b[2J\u001b[0;0Hcleared", "\\u001b[2J\\u001b[0;0Hcleared"],
    ["C1 CSI \u009b31m", "C1 CSI \\u009b31m"],
    ["\u202aLRE \u202bRLE \u202cPDF \u202dLRO \u202eRLO", "\\u202aLRE \\u202bRLE \\u202cPDF \\u202dLRO \\u202eRLO"],
    ["\u2066LRI \u2067RLI \u2068FSI \u2069PDI", "\\u2066LRI \\u2067RLI \\u2068FSI \\u2069PDI"],
    ["a\r\nb\tc", "a b c"],
    [`token ${SECRET}`, "token ***"],
  ])("%j → %j", (text, shown) => {
    expect(terminalSafe(text)).toBe(shown);
  });
});
