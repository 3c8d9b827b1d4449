// Parsing JSON a user wrote: on a syntax error, say where (line and column), what was expected and what was found.
import type * as Jsonc from "jsonc-parser";

/** jsonc-parser's error codes by name (its enum is a `const enum`, which isolated modules cannot read). */
type ErrorName = ReturnType<typeof Jsonc.printParseErrorCode>;

/** Loaded only when a text fails to parse: valid JSON never pays for it (~30 ms at CLI start-up). */
function loadJsonc(): typeof Jsonc {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy, synchronous load
  return require("jsonc-parser") as typeof Jsonc;
}
import { RenderError } from "../errors";

/** Text that is not valid JSON; `line` and `column` count from 1, as editors do. */
export class JsonSyntaxError extends RenderError {
  override name = "JsonSyntaxError";
  constructor(
    /** Where the text came from: a file name, or a phrase such as "the request body". */
    readonly source: string,
    readonly line: number,
    readonly column: number,
    /** What was wrong, e.g. `expected "," or "}" after a property value, found "\"title\""`. */
    readonly problem: string,
  ) {
    super(`${source}:${line}:${column}: invalid JSON: ${problem}`);
  }
}

type Container = "object" | "array";

/** What the parser was waiting for when it met the error. */
type Expecting = "value" | "name" | "after-value" | "colon";

const expectedWords: Record<Expecting, (container: Container | undefined) => string> = {
  value: () =>
    "a value (a string in double quotes, a number, true, false, null, an object or an array)",
  name: () => 'a property name in double quotes or "}"',
  "after-value": (container) =>
    container === "object"
      ? '"," or "}" after a property value'
      : container === "array"
        ? '"," or "]" after an array element'
        : "the end of the file after the value",
  colon: () => '":" after the property name',
};

function describeFound(text: string, offset: number, length: number): string {
  if (offset >= text.length) return "the end of the file";
  const token = text.slice(offset, offset + Math.max(length, 1));
  const shown = token.length > 24 ? `${token.slice(0, 24)}…` : token;
  return JSON.stringify(shown);
}

/** A hint for the mistakes people make most when they write JSON by hand. */
function hintFor(found: string): string {
  if (found.startsWith("'")) return " (JSON strings and names use double quotes)";
  if (/^(NaN|-?Infinity|undefined)$/.test(found)) return ` (${found} is not a JSON value)`;
  return "";
}

/** Line and column (from 1, as editors count) of `offset` in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: (before.match(/\n/g)?.length ?? 0) + 1, column: offset - lineStart + 1 };
}

/** Where the parser is in the document's structure, followed through jsonc-parser's visitor. */
interface StructureState {
  containers: Container[];
  openedAt: number[];
  /** The parser reports a missing "}" or "]" after it has closed the container itself. */
  lastClosed: { kind: Container; offset: number } | undefined;
  expecting: Expecting;
}

/** Visitor callbacks that keep `state` in step with the document's containers and tokens. */
function followStructure(state: StructureState): Partial<Jsonc.JSONVisitor> {
  const open = (kind: Container, offset: number, expecting: Expecting) => {
    state.containers.push(kind);
    state.openedAt.push(offset);
    state.expecting = expecting;
  };
  const close = (fallback: Container) => {
    state.lastClosed = {
      kind: state.containers.pop() ?? fallback,
      offset: state.openedAt.pop() ?? 0,
    };
    state.expecting = "after-value";
  };
  return {
    onObjectBegin: (offset) => open("object", offset, "name"),
    onArrayBegin: (offset) => open("array", offset, "value"),
    onObjectEnd: () => close("object"),
    onArrayEnd: () => close("array"),
    onObjectProperty: () => {
      state.expecting = "colon";
    },
    onLiteralValue: () => {
      state.expecting = "after-value";
    },
    onSeparator: (character) => {
      state.expecting =
        character === ":" ? "value" : state.containers.at(-1) === "object" ? "name" : "value";
    },
  };
}

/** The problem at a parse error, in the words of what the state says was due there. */
function problemAt(
  text: string,
  state: StructureState,
  code: ErrorName,
  offset: number,
  length: number,
): string {
  const found = describeFound(text, offset, length);
  const { lastClosed } = state;
  if ((code === "CloseBraceExpected" || code === "CloseBracketExpected") && lastClosed) {
    const close = lastClosed.kind === "object" ? "}" : "]";
    const opened = lineAndColumn(text, lastClosed.offset);
    return `expected "," or "${close}" (the ${lastClosed.kind} opened at line ${opened.line}, column ${opened.column} is not closed), found ${found}`;
  }
  const raw = text.slice(offset, offset + length);
  return problemFor(code, state.expecting, state.containers.at(-1), found, raw);
}

/** Finds the first syntax error as an editor would show it: position, expectation, what was there. */
function locateError(text: string): { offset: number; problem: string } | undefined {
  const { printParseErrorCode, visit } = loadJsonc();
  const state: StructureState = {
    containers: [],
    openedAt: [],
    lastClosed: undefined,
    expecting: "value",
  };
  let first: { offset: number; problem: string } | undefined;
  visit(
    text,
    {
      ...followStructure(state),
      onError: (errorCode, offset, length) => {
        if (first) return;
        first = {
          offset,
          problem: problemAt(text, state, printParseErrorCode(errorCode), offset, length),
        };
      },
    },
    { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
  );
  return first;
}

function problemFor(
  code: ErrorName,
  expecting: Expecting,
  container: Container | undefined,
  found: string,
  raw: string,
): string {
  switch (code) {
    case "InvalidCommentToken":
    case "UnexpectedEndOfComment":
      return "comments are not allowed in JSON; remove it";
    case "UnexpectedEndOfString":
      return "unterminated string: a string must close on the same line (write \\n for a line break)";
    case "InvalidEscapeCharacter":
      return `invalid escape in the string ${raw}: expected one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX`;
    case "InvalidUnicode":
      return `invalid unicode escape in the string ${raw}: expected \\u and four hex digits`;
    case "InvalidCharacter":
      return "control character inside a string: write it as an escape such as \\n or \\t";
    case "UnexpectedEndOfNumber":
      return `incomplete number ${found}: expected digits`;
    case "PropertyNameExpected":
      return raw === "}"
        ? 'expected a property name in double quotes, found "}" (a trailing comma is not allowed in JSON)'
        : `expected a property name in double quotes, found ${found}`;
    case "ValueExpected":
      return raw === "]" && container === "array"
        ? 'expected a value, found "]" (a trailing comma is not allowed in JSON)'
        : `expected ${expectedWords.value(container)}, found ${found}`;
    default: {
      // Commas, colons, brackets, stray words and text after the end: what was due at this point.
      return `expected ${expectedWords[expecting](container)}, found ${found}${hintFor(raw)}`;
    }
  }
}

/**
 * Parses JSON text; a byte-order mark at the start is ignored (editors on Windows write one).
 * Throws JsonSyntaxError naming `source`, the line and column, what was expected and what was found.
 */
export function parseJsonText(text: string, source: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    const located = locateError(body);
    // Should the two parsers ever disagree, V8's own message and position still say something.
    const v8Offset = Number(/at position (\d+)/.exec((error as Error).message)?.[1] ?? 0);
    const { line, column } = lineAndColumn(body, located?.offset ?? v8Offset);
    throw new JsonSyntaxError(source, line, column, located?.problem ?? (error as Error).message);
  }
}
