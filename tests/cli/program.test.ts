// The command line's own surface: --version, and help that shows defaults a user can type back.
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { buildProgram } from "../../cli/main";

const manifest = JSON.parse(
  fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"),
) as { version: string };

/** Runs the program in-process and returns what it printed to stdout. */
async function output(args: string[]): Promise<string> {
  let printed = "";
  const program = buildProgram();
  const capture = (command: Command) => {
    command.configureOutput({ writeOut: (text) => (printed += text), writeErr: () => {} });
    command.commands.forEach(capture);
  };
  capture(program);
  await expect(program.parseAsync(["node", "cardpress", ...args])).rejects.toMatchObject({
    exitCode: 0,
  });
  return printed;
}

test("--version and -V print the version from package.json", async () => {
  expect((await output(["--version"])).trim()).toBe(manifest.version);
  expect((await output(["-V"])).trim()).toBe(manifest.version);
});

test("every option's default, as help shows it, is a value the option accepts and means the same", () => {
  const checked: string[] = [];
  for (const command of buildProgram().commands) {
    for (const option of command.options) {
      if (option.defaultValue === undefined || !option.parseArg) continue;
      const shown = option.defaultValueDescription ?? String(option.defaultValue);
      const flag = `${command.name()} ${option.long}`;
      expect([flag, option.parseArg(shown, undefined)]).toEqual([flag, option.defaultValue]);
      checked.push(flag);
    }
  }
  expect(checked).toEqual(
    expect.arrayContaining(["enqueue --timeout", "wait --timeout", "demo --timeout"]),
  );
});

test("help shows durations as typed: (default: 10m), not milliseconds", async () => {
  for (const command of ["enqueue", "wait"]) {
    const help = await output([command, "--help"]);
    expect(help).toMatch(/--timeout <duration>\s+longest wait, e\.g\. 90s, 10m \(default: 10m\)/);
    expect(help).not.toMatch(/600000/);
  }
  expect(await output(["demo", "--help"])).toMatch(/\(default: 2m\)/);
});
