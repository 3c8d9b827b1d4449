// Jest environment that keeps a passing test's console output to itself and prints a failing test's in full.
import path from "node:path";
import { format } from "node:util";
import type { EnvironmentContext, JestEnvironmentConfig } from "@jest/environment";
import type { Circus } from "@jest/types";
import NodeEnvironment from "jest-environment-node";

/*
 * Like vitest's `--silent=passed-only`: console.log/info/warn/error/debug calls made by a test
 * file (the code under test, hooks, the file's top level) are held back. When a test (or a hook)
 * fails, its lines and the file-level ones (top level, beforeAll, afterAll) are written to stderr
 * under the test's name, each with the place it was logged from; a passing test's are dropped. Output that a test expects
 * should still be captured by the test itself and asserted on. `CARDPRESS_TEST_CONSOLE=all`
 * turns this off (every console line printed as jest normally does).
 */

const methods = ["log", "info", "warn", "error", "debug"] as const;
type Method = (typeof methods)[number];

interface HeldLine {
  method: Method;
  text: string;
  origin: string;
}

/** The first stack frame outside this file and node internals: where the console call was made. */
function callerOf(stack: string | undefined): string {
  const frames = (stack ?? "").split("\n").slice(1);
  const caller = frames.find(
    (frame) => !frame.includes(__filename) && !frame.includes("node:internal"),
  );
  const place = /\((.*)\)$/.exec(caller ?? "")?.[1] ?? caller?.trim().replace(/^at /, "");
  return place ? path.relative(process.cwd(), place) : "unknown place";
}

function titleOf(test: Circus.TestEntry): string {
  const names: string[] = [test.name];
  let block: Circus.DescribeBlock | undefined = test.parent;
  for (; block && block.name !== "ROOT_DESCRIBE_BLOCK"; block = block.parent)
    names.unshift(block.name);
  return names.join(" › ");
}

export default class QuietEnvironment extends NodeEnvironment {
  private readonly testPath: string;
  /** Lines logged by the running test (its beforeEach/afterEach included). */
  private readonly held: HeldLine[] = [];
  /** Lines logged outside any test: the file's top level, beforeAll, afterAll. */
  private readonly outside: HeldLine[] = [];
  private inTest = false;
  private failedSinceLastTest = false;
  private anyFailure = false;
  /** Tests finished or skipped: none at all means the file failed before any test could run. */
  private testsSeen = 0;
  private readonly enabled = process.env.CARDPRESS_TEST_CONSOLE !== "all";

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    this.testPath = context.testPath;
  }

  override async setup(): Promise<void> {
    await super.setup();
    if (!this.enabled) return;
    const testConsole = this.global.console as unknown as Record<Method, unknown>;
    for (const method of methods) {
      testConsole[method] = (...args: unknown[]) => {
        const line = { method, text: format(...args), origin: callerOf(new Error().stack) };
        (this.inTest ? this.held : this.outside).push(line);
      };
    }
  }

  handleTestEvent(event: Circus.Event): void {
    if (!this.enabled) return;
    if (event.name === "hook_failure" || event.name === "test_fn_failure") {
      this.failedSinceLastTest = true;
      this.anyFailure = true;
    } else if (event.name === "test_start") {
      this.inTest = true;
    } else if (event.name === "test_skip" || event.name === "test_todo") {
      this.testsSeen++;
    } else if (event.name === "test_done") {
      this.testsSeen++;
      this.inTest = false;
      const failed = event.test.errors.length > 0 || this.failedSinceLastTest;
      if (failed) this.print(`the failed test "${titleOf(event.test)}"`);
      this.held.length = 0;
      this.failedSinceLastTest = false;
      this.anyFailure ||= failed;
    }
  }

  override async teardown(): Promise<void> {
    // Output after the last test (afterAll) is shown only if something in the file failed.
    if (this.anyFailure) this.print("the file's hooks");
    else if (this.testsSeen === 0) this.print("a file that ran no test");
    await super.teardown();
  }

  /** Writes the file-level lines held so far and the current test's, then forgets them. */
  private print(whose: string): void {
    const lines = [...this.outside.splice(0), ...this.held.splice(0)];
    if (lines.length === 0) return;
    const file = path.relative(process.cwd(), this.testPath);
    const text = lines.map(
      ({ method, text, origin }) =>
        `  console.${method} (${origin}):\n${text.replace(/^/gm, "    ")}`,
    );
    process.stderr.write(`\nconsole output of ${whose} (${file}):\n${text.join("\n")}\n`);
  }
}
