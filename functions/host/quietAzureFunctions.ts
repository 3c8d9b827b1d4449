// Drops the "test mode" warnings @azure/functions prints on every `app.*` registration outside the Functions host.
//
// Outside the host `require("@azure/functions-core")` fails, so the package skips registration and
// says so with console.warn: once "Failed to detect the Azure Functions runtime…", then "Skipping
// call to register function …" per function, in every process (and every jest test file) that
// loads functions/*.ts. The local host calls the exported handlers directly, so the skipped
// registration is expected there; only these two messages are dropped, every other warning passes.
// Import this module before anything that imports functions/*.ts.

const testModeWarning =
  /^WARNING: (Failed to detect the Azure Functions runtime\. Switching "@azure\/functions" package to test mode|Skipping call to register function "[^"]*" because the "@azure\/functions" package is in test mode\.)/;

const filterMark = Symbol.for("cardpress.dropsAzureFunctionsTestModeWarnings");

type Warn = Console["warn"] & { [filterMark]?: true };

export function isTestModeWarning(args: readonly unknown[]): boolean {
  return args.length === 1 && typeof args[0] === "string" && testModeWarning.test(args[0]);
}

/** Whether target.warn already drops them (the jest setup and the local host install it). */
export function dropsTestModeWarnings(target: Console = console): boolean {
  return (target.warn as Warn)[filterMark] === true;
}

/** Wraps target.warn so those two messages are dropped; once per console. */
export function dropTestModeWarnings(target: Console = console): void {
  if (dropsTestModeWarnings(target)) return;
  const warn = target.warn;
  const filtered: Warn = function (this: unknown, ...args: unknown[]) {
    if (!isTestModeWarning(args)) warn.apply(this, args);
  };
  filtered[filterMark] = true;
  target.warn = filtered;
}

dropTestModeWarnings();
