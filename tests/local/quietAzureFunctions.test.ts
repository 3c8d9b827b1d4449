// Loading the functions outside the Functions host prints none of @azure/functions' "test mode" warnings, and nothing else is hidden.
import { spawnSync } from "node:child_process";
import path from "node:path";
import {
  dropsTestModeWarnings,
  dropTestModeWarnings,
  isTestModeWarning,
} from "../../functions/host/quietAzureFunctions";

test("the local host loads every function without a word on stderr", () => {
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", "-e", 'require("./functions/host/handlers.ts")'],
    { cwd: path.join(__dirname, "../.."), encoding: "utf8" },
  );
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
});

test("the filter matches what this @azure/functions prints, and lets every other warning through", async () => {
  const printed: unknown[][] = [];
  const filtered = console.warn;
  // The package as a fresh process meets it, with a console that records everything.
  console.warn = (...args: unknown[]) => void printed.push(args);
  try {
    await jest.isolateModulesAsync(async () => {
      await import("../../functions/health");
      await import("../../functions/renderBatch");
    });
  } finally {
    console.warn = filtered;
  }
  expect(printed.length).toBeGreaterThanOrEqual(2); // else the package stopped warning: drop the filter
  expect(printed.filter((args) => !isTestModeWarning(args))).toEqual([]);

  const passed: unknown[][] = [];
  const target = { warn: (...args: unknown[]) => void passed.push(args) } as unknown as Console;
  dropTestModeWarnings(target);
  for (const args of printed) target.warn(...args);
  target.warn("WARNING: something else");
  target.warn("WARNING: Failed to detect the Azure Functions runtime.", "with another argument");
  expect(passed).toEqual([
    ["WARNING: something else"],
    ["WARNING: Failed to detect the Azure Functions runtime.", "with another argument"],
  ]);
});

test("the tests' console drops them too (jest setupFilesAfterEnv)", () => {
  expect(dropsTestModeWarnings(console)).toBe(true);
});
