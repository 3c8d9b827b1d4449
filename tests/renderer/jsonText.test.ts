// JSON a user wrote: a syntax error names the source, line and column, what was expected and what was found.
import { JsonSyntaxError, parseJsonText } from "../../renderer/spec/jsonText";

function errorOf(text: string): JsonSyntaxError {
  try {
    parseJsonText(text, "card.json");
  } catch (error) {
    if (error instanceof JsonSyntaxError) return error;
    throw error;
  }
  throw new Error("expected a syntax error");
}

describe("parseJsonText", () => {
  it("parses valid JSON, with or without a byte-order mark", () => {
    expect(parseJsonText('{"title": "Hi"}', "card.json")).toEqual({ title: "Hi" });
    expect(parseJsonText('\uFEFF{"title": "Hi"}', "card.json")).toEqual({ title: "Hi" });
  });

  it("names the file, line and column, what was expected and what was found", () => {
    const error = errorOf('{\n  "title": "Hi"\n  "subtitle": "there"\n}');
    expect([error.line, error.column]).toEqual([3, 3]);
    expect(error.message).toBe(
      'card.json:3:3: invalid JSON: expected "," or "}" after a property value, found "\\"subtitle\\""',
    );
  });

  it.each([
    ["{ not json", 1, 3, 'expected a property name in double quotes or "}", found "not"'],
    ['{"a": 1,}', 1, 9, "(a trailing comma is not allowed in JSON)"],
    ["[1, 2,]", 1, 7, "(a trailing comma is not allowed in JSON)"],
    ['{\n  // note\n  "a": 1\n}', 2, 3, "comments are not allowed in JSON"],
    ["{'a': 1}", 1, 2, "(JSON strings and names use double quotes)"],
    ['{"a": NaN}', 1, 7, "(NaN is not a JSON value)"],
    ['{"a": [1 2]}', 1, 10, 'expected "," or "]" after an array element, found "2"'],
    ['{"a" 1}', 1, 6, 'expected ":" after the property name, found "1"'],
    ['{"a": 1}}', 1, 9, 'expected the end of the file after the value, found "}"'],
    ['{"a": "two\nlines"}', 1, 7, "unterminated string"],
    ['{"a": "\\q"}', 1, 7, 'invalid escape in the string "\\q"'],
    ["", 1, 1, "expected a value (a string in double quotes"],
    [
      '{\n  "a": {\n    "b": 1\n  }\n',
      5,
      1,
      'expected "," or "}" (the object opened at line 1, column 1 is not closed), found the end of the file',
    ],
  ])("%j → line %i, column %i: %s", (text, line, column, problem) => {
    const error = errorOf(text);
    expect([error.line, error.column]).toEqual([line, column]);
    expect(error.problem).toContain(problem);
    expect(error.message).toMatch(new RegExp(`^card\\.json:${line}:${column}: invalid JSON: `));
  });
});
