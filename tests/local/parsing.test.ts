// Small parsers of the CLI and the local host: durations and HTTP route templates.
import { parseDuration } from "../../cli/duration";
import { matchRoute } from "../../local/httpServer";

test("durations: 90s, 30m, 2h, 1d and combinations", () => {
  expect(parseDuration("90s")).toBe(90_000);
  expect(parseDuration("2h")).toBe(7_200_000);
  expect(parseDuration("1h30m")).toBe(5_400_000);
  expect(parseDuration("1d")).toBe(86_400_000);
  expect(() => parseDuration("2 hours")).toThrow(/expected a duration such as 90s/);
  expect(() => parseDuration("")).toThrow(/expected a duration/);
});

test("route templates: literal segments, {param}, {param?}, case-insensitive literals", () => {
  expect(matchRoute("batches/{id}", ["batches", "abc"])).toEqual({ id: "abc" });
  expect(matchRoute("batches/{id}", ["Batches", "a%20b"])).toEqual({ id: "a b" });
  expect(matchRoute("batches/{id}", ["batches"])).toBeUndefined();
  expect(matchRoute("batches/{id}", ["batches", "%zz"])).toBeUndefined();
  expect(matchRoute("batches/{id}", ["batches", "a", "b"])).toBeUndefined();
  expect(matchRoute("items/{id?}", ["items"])).toEqual({});
  expect(matchRoute("health", ["health"])).toEqual({});
  expect(matchRoute("health", ["render"])).toBeUndefined();
});
