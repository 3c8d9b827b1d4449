// Documents the CLI and the local stack read (Pulumi's stack outputs, the data-folder lock, the stack registry) are validated, and errors name the document, the field and what was expected.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { exitCodes } from "../../cli/exitCodes";
import { lockDataFolder, lockFileName } from "../../local/dataFolderLock";
import { readStackFile, stackFilePath, stateDirVariable } from "../../local/stackFile";
import { JsonDocumentError, parseJsonDocument } from "../../support";

const rootDir = path.resolve(__dirname, "../..");
let workDir: string;

beforeEach(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-documents-"));
});
afterEach(() => fs.rmSync(workDir, { recursive: true, force: true }));

test("a JSON document's error names the document, each wrong field, what was expected and what it held", () => {
  const schema = z.object({ port: z.number(), host: z.string() });
  expect(() =>
    parseJsonDocument('{"port": "80", "host": "x"}', schema, "the file /x/a.json"),
  ).toThrow(
    new JsonDocumentError(
      'the file /x/a.json is not what was expected: port: Invalid input: expected number, received string, received "80"',
    ),
  );
  expect(() => parseJsonDocument("{port", schema, "the file /x/a.json")).toThrow(
    /^the file \/x\/a\.json is not JSON: /,
  );
  expect(parseJsonDocument('{"port": 80, "host": "x"}', schema, "a")).toEqual({
    port: 80,
    host: "x",
  });
});

/** `cardpress status <id> --stack dev` with a `pulumi` on PATH that prints `stdout`. */
function statusWithPulumiPrinting(stdout: string) {
  const bin = path.join(workDir, "bin");
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(workDir, "outputs.json"), stdout);
  fs.writeFileSync(
    path.join(bin, "pulumi"),
    `#!/bin/sh\ncat ${JSON.stringify(path.join(workDir, "outputs.json"))}\n`,
    { mode: 0o755 },
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
  };
  delete env.AZURE_STORAGE_CONNECTION_STRING;
  return spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(rootDir, "cli", "main.ts"),
      "status",
      "20261123-120000-3f9a1c2b7d",
      "--stack",
      "dev",
    ],
    { cwd: rootDir, encoding: "utf8", env },
  );
}

test("--stack: Pulumi outputs that are not JSON, or hold a non-string connection string, are usage errors naming the field", () => {
  const wrongType = statusWithPulumiPrinting('{"storageConnectionString": 5}');
  expect(wrongType.stderr).toMatch(
    /^cardpress: pulumi stack output for stack dev is not what was expected: storageConnectionString: expected the storage connection string \(a string\), received 5; check the stack with `pulumi stack output --stack dev`$/m,
  );
  expect(wrongType.status).toBe(exitCodes.usage);

  fs.rmSync(path.join(workDir, "bin"), { recursive: true });
  const notJson = statusWithPulumiPrinting("warning: the stack is locked\n");
  expect(notJson.stderr).toMatch(/^cardpress: pulumi stack output for stack dev is not JSON: /m);
  expect(notJson.stderr).not.toMatch(/\n\s+at /);
  expect(notJson.status).toBe(exitCodes.usage);
});

test("a lock file that is not a lock (a torn write) is taken over, saying which field was wrong", async () => {
  fs.writeFileSync(path.join(workDir, lockFileName), '{"pid": "4242", "startedAt": "x"}\n');
  const notes: string[] = [];
  const lock = await lockDataFolder(workDir, (text) => notes.push(text));
  expect(notes).toEqual([
    expect.stringMatching(
      new RegExp(
        `^cardpress: the lock file ${path.join(workDir, lockFileName).replace(/[.]/g, "\\.")} is not what was expected: pid: Invalid input: expected number, received string, received "4242"; taking the folder over`,
      ),
    ),
  ]);
  expect(JSON.parse(fs.readFileSync(path.join(workDir, lockFileName), "utf8"))).toMatchObject({
    pid: process.pid,
  });
  lock.release();
  expect(fs.existsSync(path.join(workDir, lockFileName))).toBe(false);
});

test("a stack registry entry missing its fields is no stack, even when its pid is alive", () => {
  const env = { ...process.env, [stateDirVariable]: workDir };
  const entry = {
    connectionString: "UseDevelopmentStorage=true",
    httpUrl: "http://127.0.0.1:7071/api",
    pid: process.pid,
    startedAt: new Date().toISOString(),
    persistent: false,
  };
  fs.writeFileSync(stackFilePath(env), JSON.stringify(entry));
  expect(readStackFile(env)).toEqual(entry);
  fs.writeFileSync(stackFilePath(env), JSON.stringify({ ...entry, httpUrl: undefined }));
  expect(readStackFile(env)).toBeUndefined();
});
