// The error translations at each boundary (item record, retry/poison, HTTP, CLI exit code) as docs/architecture.md tabulates them.
import { UserError, toUserError } from "../../cli/errors";
import { exitCodes } from "../../cli/exitCodes";
import { HttpRequestError, RequestBodyError, toHttpError } from "../../functions/host/httpErrors";
import { CardDeadlineError } from "../../jobs/deadline";
import {
  BatchNotFoundError,
  deliveryFailure,
  InvalidBlobNameError,
  InvalidStoredTemplateError,
  JobError,
  TemplateNameError,
  TemplateNotFoundError,
  TemplateVersionNotFoundError,
  TransientStorageError,
  UndecodableMessageError,
  UntrustedMessageError,
} from "../../jobs/errors";
import { itemFailure, toItemError } from "../../jobs/itemErrors";
import { AzuriteMissingError } from "../../local";
import {
  AssetError,
  BrandFontBudgetError,
  EngineUnavailableError,
  FontFileError,
  RenderError,
  SpecValidationError,
  TemplateValidationError,
} from "../../renderer";
import { SettingsError } from "../../settings";
import { errorRule, translateError } from "../../support";

describe("translateError", () => {
  class Base extends Error {}
  class Child extends Base {}
  class Grandchild extends Child {}

  test("the rule of the most specific class in the error's chain wins, whatever the table's order", () => {
    const rules = [errorRule(Base, () => "base"), errorRule(Child, () => "child")];
    expect(translateError(new Child(), rules)).toBe("child");
    expect(translateError(new Child(), [...rules].reverse())).toBe("child");
    expect(translateError(new Grandchild(), rules)).toBe("child");
    expect(translateError(new Base(), rules)).toBe("base");
  });

  test("no rule in the chain, or not an Error at all: undefined", () => {
    const rules = [errorRule(Child, () => "child")];
    expect(translateError(new Base(), rules)).toBeUndefined();
    expect(translateError("thrown text", rules)).toBeUndefined();
    expect(translateError(undefined, rules)).toBeUndefined();
  });
});

describe("every layer's errors extend that layer's base", () => {
  test.each([
    [new SpecValidationError([]), RenderError],
    [new AssetError("logo", "a.png", "missing"), RenderError],
    [new CardDeadlineError(1000, 10), JobError],
    [new UntrustedMessageError("b", 0, "forged"), JobError],
    [new RequestBodyError("too large", 413), HttpRequestError],
  ])("%p", (error, base) => {
    expect(error).toBeInstanceOf(base);
    expect(error.name).toBe(error.constructor.name);
  });
});

describe("item records and retries (jobs/itemErrors.ts)", () => {
  test("a card past its deadline is recorded, although a JobError: its own rule wins over its base's", () => {
    const late = new CardDeadlineError(1000, 10);
    expect(itemFailure(late)).toBe("record");
    expect(toItemError(late).code).toBe("deadline_exceeded");
  });

  test("storage and a missing engine fail the delivery; an unnamed failure is recorded as render_failed", () => {
    expect(itemFailure(new TransientStorageError("reading", new Error("ECONNRESET")))).toBe(
      "retry",
    );
    expect(itemFailure(new EngineUnavailableError("no canvas"))).toBe("retry");
    expect(itemFailure(new TypeError("x is undefined"))).toBe("unexpected");
    expect(toItemError(new TypeError("x is undefined"))).toEqual({
      code: "render_failed",
      message: "x is undefined",
    });
    expect(itemFailure(new SpecValidationError([]))).toBe("record");
    expect(itemFailure(new AssetError("logo", "a.png", "missing"))).toBe("record");
  });
});

test("retry vs poison (jobs/errors.ts): refused messages and foreign blob names are poisoned at once", () => {
  expect(deliveryFailure(new UndecodableMessageError("not JSON"))).toEqual({
    action: "poison",
    reason: "undecodable render-jobs message: not JSON",
  });
  expect(deliveryFailure(new UntrustedMessageError("b", 2, "forged")).action).toBe("poison");
  expect(deliveryFailure(new InvalidBlobNameError("renders/../x")).action).toBe("poison");
  expect(deliveryFailure(new TransientStorageError("writing", new Error("503")))).toEqual({
    action: "retry",
  });
  expect(deliveryFailure(new Error("bug"))).toEqual({ action: "retry" });
});

test("HTTP (functions/host/httpErrors.ts): a request error answers its own status", () => {
  const answer = toHttpError(new RequestBodyError("body exceeds the limit", 413), "inv-1");
  expect(answer.status).toBe(413);
  expect(answer.body.error.code).toBe("invalid_request");
  expect(toHttpError(new BatchNotFoundError("b1"), "inv-1").status).toBe(404);
  expect(toHttpError(new CardDeadlineError(1, 1), "inv-1").status).toBe(500);
});

test("CLI (cli/errors.ts): each layer's named errors become a UserError with an exit code", async () => {
  const exitCodeOf = async (error: unknown) => {
    const translated = await toUserError(error);
    return translated instanceof UserError ? translated.exitCode : undefined;
  };
  expect(await exitCodeOf(new BatchNotFoundError("b1"))).toBe(exitCodes.usage);
  expect(await exitCodeOf(new SettingsError("bad"))).toBe(exitCodes.usage);
  expect(await exitCodeOf(new TransientStorageError("reading", new Error("x")))).toBe(
    exitCodes.unavailable,
  );
  expect(await exitCodeOf(new AzuriteMissingError())).toBe(exitCodes.usage);
  const bug = new TypeError("x is undefined");
  expect(await toUserError(bug)).toBe(bug);
});

test("stored templates (jobs/errors.ts): each boundary as docs/architecture.md tabulates it", async () => {
  const notFound = new TemplateNotFoundError("brand/qoute", ["brand/quote"]);
  const versionMissing = new TemplateVersionNotFoundError("a".repeat(64), "brand/quote");
  const corrupt = new InvalidStoredTemplateError("templates/versions/x.json", "it is not JSON");
  const badName = new TemplateNameError("invalid template name");
  for (const error of [notFound, versionMissing, corrupt, badName]) {
    expect(error).toBeInstanceOf(JobError);
    expect(error.name).toBe(error.constructor.name);
  }
  // A card's template is its own fault: recorded, never retried (a retry reads the same blob).
  expect([notFound, versionMissing, corrupt].map(itemFailure)).toEqual([
    "record",
    "record",
    "record",
  ]);
  expect([notFound, versionMissing, corrupt].map((error) => toItemError(error).code)).toEqual([
    "template_not_found",
    "template_version_not_found",
    "invalid_stored_template",
  ]);
  const http = (error: Error) => toHttpError(error, "inv-1");
  expect(http(notFound)).toMatchObject({
    status: 404,
    body: { error: { code: "template_not_found", suggestions: ["brand/quote"] } },
  });
  expect(http(versionMissing)).toMatchObject({ status: 404, ours: false });
  expect(http(corrupt)).toMatchObject({ status: 500, ours: true });
  expect(http(corrupt).body.error.code).toBe("invalid_stored_template");
  expect(http(badName)).toMatchObject({ status: 400 });
  expect(http(new TemplateValidationError([{ path: "root.type", message: "x" }]))).toMatchObject({
    status: 400,
    body: { error: { code: "invalid_template", fields: [{ path: "root.type", message: "x" }] } },
  });
  for (const error of [notFound, versionMissing, corrupt, badName]) {
    const translated = await toUserError(error);
    expect(translated).toBeInstanceOf(UserError);
    expect((translated as UserError).exitCode).toBe(exitCodes.usage);
  }
});

test("brand fonts (renderer): a bad file is the card's fault, a spent font budget is retried elsewhere", () => {
  const bad = new FontFileError('fonts[0].src "fonts/x.ttf": is not a font');
  const budget = new BrandFontBudgetError("64 MB of brand fonts registered");
  expect(itemFailure(bad)).toBe("record");
  expect(toItemError(bad)).toEqual({ code: "font", message: bad.message });
  expect(itemFailure(budget)).toBe("retry");
  expect(toHttpError(bad, "inv-1")).toMatchObject({ status: 422, ours: false });
  expect(toHttpError(budget, "inv-1")).toMatchObject({
    status: 503,
    body: { error: { code: "font_budget" } },
  });
});
