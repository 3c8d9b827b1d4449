// Names from a spec are looked up as own properties only; duplicate ids are found in any order; fallback ids never equal a real id.
import { parseBatchFile, parseCardSpec, fallbackItemId } from "../../renderer/spec/validate";
import { SpecValidationError } from "../../renderer/errors";
import { isBuiltinTemplate } from "../../renderer/spec/schema";

const inherited = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"];

function pathsOf(input: unknown): string[] {
  try {
    parseCardSpec(input);
    return [];
  } catch (error) {
    if (!(error instanceof SpecValidationError)) throw error;
    return error.issues.map((issue) => issue.path);
  }
}

test.each(inherited)("%j is not a colour, template, preset, size, format or font", (name) => {
  expect(pathsOf({ title: "x", theme: { background: name } })).toEqual(["theme.background"]);
  expect(
    pathsOf({
      title: "x",
      theme: { background: { type: "linear", stops: [{ color: name }, { color: "red" }] } },
    }),
  ).toEqual(["theme.background.stops[0].color"]);
  // A lower-case name may be a stored template's ("constructor" is a valid one); it is never
  // taken for a built-in, which would draw something the card did not name.
  expect(pathsOf({ title: "x", template: name })).toEqual(
    /^[a-z]+$/.test(name) ? [] : ["template"],
  );
  expect(isBuiltinTemplate(name)).toBe(false);
  expect(pathsOf({ title: "x", theme: { preset: name } })).toEqual(["theme.preset"]);
  expect(pathsOf({ title: "x", theme: { font: name } })).toEqual(["theme.font"]);
  expect(pathsOf({ title: "x", size: name })).toEqual(["size"]);
  expect(pathsOf({ title: "x", format: name })).toEqual(["format"]);
});

describe("duplicate ids", () => {
  const outcome = (items: unknown[]) =>
    parseBatchFile({ items }).items.map((item) => ({
      id: item.id,
      rendered: item.spec !== undefined,
      duplicate:
        item.error?.issues.some((issue) => issue.message.startsWith("duplicate id")) ?? false,
    }));

  test("are found whatever the order of items and whether the others are valid", () => {
    const valid = { id: "a", title: "fine" };
    const invalid = { id: "a", titel: "typo" };
    const other = { id: "b", title: "other" };
    const orders = [
      [valid, invalid, other],
      [invalid, valid, other],
      [other, invalid, valid],
      [valid, other, { ...valid, title: "again" }],
    ];
    for (const items of orders) {
      const byId = outcome(items);
      expect(byId.filter((item) => item.id === "a")).toEqual([
        { id: "a", rendered: false, duplicate: true },
        { id: "a", rendered: false, duplicate: true },
      ]);
      expect(byId.find((item) => item.id === "b")).toEqual({
        id: "b",
        rendered: true,
        duplicate: false,
      });
    }
  });

  test("name every other item that uses the id", () => {
    const batch = parseBatchFile({
      items: [
        { id: "x", title: "1" },
        { id: "y", title: "2" },
        { id: "x", title: "3" },
        { id: "x", title: "4" },
      ],
    });
    expect(batch.items[2]?.error?.issues).toEqual([
      {
        path: "items[2].id",
        message:
          'duplicate id "x": also used by items[0], items[3]; an id names the card\'s output file, so no item with a shared id is rendered',
      },
    ]);
    expect(batch.items[1]?.spec?.id).toBe("y");
  });
});

describe("fallback ids", () => {
  test("are the item's path, a form no real id can take", () => {
    const batch = parseBatchFile({
      items: [
        { title: "no id" },
        { id: "item-0", title: "real" },
        { id: "../x", title: "unreadable id" },
        { id: "item-2", title: "real" },
        7,
      ],
    });
    expect(batch.items.map((item) => item.id)).toEqual([
      "items[0]",
      "item-0",
      "items[2]",
      "item-2",
      "items[4]",
    ]);
    expect(batch.items.map((item) => item.spec !== undefined)).toEqual([
      false,
      true,
      false,
      true,
      false,
    ]);
    const ids = batch.items.map((item) => item.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test("never pass as a real id", () => {
    for (const index of [0, 7, 999]) {
      expect(pathsOf({ id: fallbackItemId(index), title: "x" })).toEqual(["id"]);
    }
  });
});
