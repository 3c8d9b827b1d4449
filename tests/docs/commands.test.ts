// Every shell command in README.md and docs/ runs as written here, or is listed with the reason it cannot.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eventually, sleep } from "../support/eventually";
import { useLocalStack } from "../local/support/localStack";
import { docFiles, repoRoot, shellCommands, type DocCommand } from "./support/markdown";

/*
 * Commands are matched by their exact text (comment removed): editing a command in the docs
 * makes this test ask again whether it runs. A new command must be added to one of the tables
 * below (runHere, runByAnotherTest, argumentsCheckedOnly, notRunHere), or the first test fails.
 *
 * Commands run in a temporary copy of the repository (every top-level entry symlinked, without
 * out/ and .cardpress/), so what they write stays there. `npx cardpress …` runs the package's
 * bin (`node bin/cardpress.js …`), which is what npx resolves it to: npx's own start-up (it loads
 * the whole dependency tree, and may ask the registry) took 3.6 s on an idle machine here and up
 * to 55 s under load, against 0.24 s for the bin, and it would test npm rather than cardpress.
 */

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  cwd: string;
}

type Check =
  /** Runs to completion; exit code 0, then `verify` on the folder it ran in. */
  | { kind: "finishes"; verify: (run: Finished) => void }
  /** A server: ready when `http://127.0.0.1:<port>/api/health` answers; Ctrl-C must stop it cleanly. */
  | { kind: "serves"; port: number; verify: (cwd: string) => void };

const exampleIds = () =>
  (
    JSON.parse(fs.readFileSync(path.join(repoRoot, "examples/batch.json"), "utf8")) as {
      items: { id: string }[];
    }
  ).items.map((item) => item.id);

const filesIn = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);
const withoutExtension = (name: string) => name.replace(/\.[^.]+$/, "");

/** Commands this test runs, and what must hold afterwards. */
const runHere: Record<string, Check> = {
  "npm run render -- examples/batch.json -o out/examples": {
    kind: "finishes",
    verify: ({ cwd }) =>
      expect(filesIn(path.join(cwd, "out/examples")).map(withoutExtension).sort()).toEqual(
        exampleIds().sort(),
      ),
  },
  "npx cardpress render examples/card.json -o out": {
    kind: "finishes",
    verify: ({ cwd }) => expect(filesIn(path.join(cwd, "out"))).toHaveLength(1),
  },
  "npm start": {
    kind: "serves",
    port: 7071,
    // "data in .cardpress/azurite, survives restarts"
    verify: (cwd) => expect(fs.existsSync(path.join(cwd, ".cardpress/azurite"))).toBe(true),
  },
  "npm start -- --in-memory": {
    kind: "serves",
    port: 7071,
    verify: (cwd) => expect(fs.existsSync(path.join(cwd, ".cardpress/azurite"))).toBe(false),
  },
  "npm start -- --port 7072": { kind: "serves", port: 7072, verify: () => undefined },
};

/**
 * npm scripts that another test already runs end to end (what the script runs, with its output
 * sent to a temporary folder): running them here again would double the suite's longest steps.
 * This test checks that the script still runs exactly that.
 */
const runByAnotherTest: Record<string, { script: string; runs: string; test: string }> = {
  "npm run demo": {
    script: "demo",
    runs: "tsx cli/main.ts demo",
    test: "tests/local/demo.test.ts",
  },
};

const needsAzure = "needs a deployed stack (Pulumi CLI, an Azure subscription)";

/**
 * `cardpress` commands against Azure: run here without the Pulumi CLI on PATH, each must get as far
 * as resolving `--stack` (its arguments parsed and its files read), where it stops with exit 2.
 */
const argumentsCheckedOnly: Record<string, string> = {
  "npx cardpress enqueue examples/batch.json --stack dev --wait": needsAzure,
  "npx cardpress urls <batchId> --stack dev": needsAzure,
  "npx cardpress download <batchId> out/ --stack dev": needsAzure,
  "npx cardpress smoke --stack dev": needsAzure,
};

/** Commands that cannot run here, with the reason. */
const notRunHere: Record<string, string> = {
  "npm ci": "reinstalls node_modules (minutes); every fresh clone and CI runs it first",
  "npm test": "the whole suite, this test included",
  "npx cardpress sign examples/card.json":
    "needs the running local stack of `npm start` (its base URL and dev key); tests/cli/signStack.test.ts signs cards against a recorded local stack and fetches their URLs",
  "npm run package":
    "builds the deployment package (1–2 min); tests/infra/package.test.ts builds it the same way",
  "npm pack":
    "rebuilds dist/ and rewrites package.json while it packs; tests/package/install.test.ts packs a copy of the repository",
  "npm install -g ./cardpress-0.1.0.tgz":
    "installs into the machine's global prefix; tests/package/install.test.ts installs the packed tarball into a temporary prefix",
  "npm install ./cardpress-0.1.0.tgz":
    "tests/package/install.test.ts installs the packed tarball into a temporary project and renders there",
  "az login": "needs the Azure CLI and an Azure account",
  "az account show": "needs the Azure CLI and an Azure account",
  'az account set --subscription "<name or id>"': "needs the Azure CLI and an Azure account",
  "pulumi stack init dev": "needs the Pulumi CLI, which cannot be installed here",
  "pulumi config set sasTtlMinutes 15": "needs the Pulumi CLI, which cannot be installed here",
  "pulumi config set location westeurope": "needs the Pulumi CLI, which cannot be installed here",
  "pulumi up": needsAzure,
  "pulumi stack output": needsAzure,
  "pulumi stack output functionKey --show-secrets": needsAzure,
  "pulumi destroy": needsAzure,
  "pulumi stack rm dev": "needs the Pulumi CLI, which cannot be installed here",
  "KEY=$(pulumi stack output functionKey --show-secrets)": needsAzure,
  "API=$(pulumi stack output apiBaseUrl)": needsAzure,
  // docs/deploy.md, "Operating it: poison queue and logs": the Azure CLI against a deployed stack.
  "ACCOUNT=$(pulumi stack output storageAccountName)": needsAzure,
  'az role assignment create --role "Storage Queue Data Contributor" --assignee "$(az ad signed-in-user show --query id -o tsv)" --scope "$(az storage account show --name "$ACCOUNT" --query id -o tsv)"':
    needsAzure,
  'az storage message peek --queue-name render-jobs-poison --num-messages 32 --account-name "$ACCOUNT" --auth-mode login -o table':
    needsAzure,
  'az storage message peek --queue-name render-jobs-poison --num-messages 32 --account-name "$ACCOUNT" --auth-mode login --query "[].content" -o tsv | while read -r m; do printf \'%s\' "$m" | base64 -d; echo; done':
    needsAzure,
  'az storage message get --queue-name render-jobs-poison --visibility-timeout 300 --account-name "$ACCOUNT" --auth-mode login --query "[0].[id, popReceipt, content]" -o tsv > poison-message.tsv':
    needsAzure,
  "read -r ID RECEIPT CONTENT < poison-message.tsv":
    "reads the file the `az storage message get` line before it writes (needs a deployed stack)",
  'az storage message put --queue-name render-jobs --content "$CONTENT" --account-name "$ACCOUNT" --auth-mode login':
    needsAzure,
  'az storage message delete --queue-name render-jobs-poison --id "$ID" --pop-receipt "$RECEIPT" --account-name "$ACCOUNT" --auth-mode login':
    needsAzure,
  'func azure functionapp logstream "$(pulumi stack output functionAppName)" --browser':
    "needs Azure Functions Core Tools, a browser and a deployed stack",
  "az extension add --name application-insights":
    "installs an Azure CLI extension; needs the Azure CLI",
  'az monitor app-insights query --app "$(pulumi stack output applicationInsightsName)" --resource-group "$(pulumi stack output resourceGroupName)" --analytics-query "traces | where timestamp > ago(15m) | order by timestamp desc | take 50" -o table':
    needsAzure,
  // docs/deploy.md, "Before your first deployment": the Y1/FC1 region pre-flight.
  'az account show --query "{name:name, id:id, offer:user.type}"': needsAzure,
  'az functionapp list-consumption-locations --query "[].name" -o tsv': needsAzure,
  'az functionapp list-flexconsumption-locations --query "[].name" -o tsv': needsAzure,
  // docs/deploy.md, "Package blobs": deleting every package but the live one.
  'live=$(basename "$(pulumi stack output packageBlobUrl)")': needsAzure,
  "account=$(pulumi stack output storageAccountName)": needsAzure,
  'az storage blob list --account-name "$account" -c deployments --auth-mode login --query "[].name" -o tsv | grep -vx "$live" | xargs -r -n1 az storage blob delete --account-name "$account" -c deployments --auth-mode login -n':
    needsAzure,
  // docs/deploy.md, Troubleshooting: turning basic auth off by hand when ARM wants a location.
  "site=$(az functionapp show -g <resourceGroupName> -n <functionAppName> --query id -o tsv)":
    needsAzure,
  'az resource update --ids "$site/basicPublishingCredentialsPolicies/scm" --set properties.allow=false':
    needsAzure,
  'az resource update --ids "$site/basicPublishingCredentialsPolicies/ftp" --set properties.allow=false':
    needsAzure,
  "pulumi refresh && pulumi up": needsAzure,
};

/**
 * docs/deploy.md's HTTP example after its two `pulumi stack output` lines: run in order in one
 * shell (`set -e`) against a local stack, with $API its URL and $KEY any string (function keys are
 * not checked locally). The batch must then finish with every card rendered.
 */
const httpExample = [
  'curl -fsS -H "x-functions-key: $KEY" "$API/health"',
  'curl -fsS -X PUT -H "x-functions-key: $KEY" -H "content-type: image/png" --data-binary @examples/assets/logo.png "$API/assets/assets/logo.png"',
  'curl -fsS -X PUT -H "x-functions-key: $KEY" -H "content-type: image/jpeg" --data-binary @examples/assets/landscape.jpg "$API/assets/assets/landscape.jpg"',
  'STATUS_URL=$(curl -fsS -H "x-functions-key: $KEY" -H "content-type: application/json" --data-binary @examples/batch.json "$API/batches" | node -p \'JSON.parse(require("fs").readFileSync(0, "utf8")).statusUrl\')',
  'curl -fsS -H "x-functions-key: $KEY" "$STATUS_URL"',
];

const documented: DocCommand[] = docFiles().flatMap(shellCommands);

test("every shell command in README.md and docs/*.md is run here or listed with the reason it cannot be", () => {
  const known = new Set([
    ...Object.keys(runHere),
    ...Object.keys(runByAnotherTest),
    ...Object.keys(argumentsCheckedOnly),
    ...httpExample,
    ...Object.keys(notRunHere),
  ]);
  const unknown = documented
    .filter(({ command }) => !known.has(command))
    .map(({ command, where }) => `${where}: ${command}`);
  // A new or edited command: add it to one of the tables above.
  expect(unknown).toEqual([]);
  const stale = [...known].filter((command) => !documented.some((doc) => doc.command === command));
  // Listed here but gone from the docs: remove it from the tables.
  expect(stale).toEqual([]);
});

/** A throwaway copy of the repository: symlinks to every top-level entry but outputs and state. */
function repositoryCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-docs-"));
  for (const entry of fs.readdirSync(repoRoot)) {
    if ([".git", "out", ".cardpress", "package", "coverage"].includes(entry)) continue;
    fs.symlinkSync(path.join(repoRoot, entry), path.join(dir, entry));
  }
  return dir;
}
const copies: string[] = [];
/** Every command started; each ends by itself (servers are interrupted once checked). */
const started: Promise<unknown>[] = [];
afterAll(async () => {
  await Promise.allSettled(started);
  for (const dir of copies) fs.rmSync(dir, { recursive: true, force: true });
}, 150_000);

/** The command line as the shell gets it; `npx cardpress` → the package's bin (see above). */
function shellLine(command: string): string {
  return command.replace(/^npx cardpress\b/, `"${process.execPath}" bin/cardpress.js`);
}

function environment(cwd: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // The stack's state where the docs say it goes, inside the copy, never a real stack's.
    CARDPRESS_STATE_DIR: path.join(cwd, ".cardpress"),
    ...extra,
  };
  delete env.AZURE_STORAGE_CONNECTION_STRING;
  delete env.CI; // npm ci-style output changes; the commands are a user's, in a terminal
  return env;
}

function runToEnd(
  command: string,
  cwd: string,
  env = environment(cwd),
  timeoutMs = 120_000,
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    // One command replaces the shell (its exit code is the command's); a script runs as one.
    const line = command.includes("\n") ? command : `exec ${shellLine(command)}`;
    const child = spawn("/bin/sh", ["-c", line], {
      cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${command} did not finish within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, cwd });
    });
  });
}

/** Whether something on this machine already listens on 127.0.0.1:<port> (checked synchronously). */
function portTaken(port: number): boolean {
  const probe = spawnSync(
    process.execPath,
    [
      "-e",
      `const s = require("node:net").createServer();
       s.once("error", () => process.exit(1));
       s.listen(${port}, "127.0.0.1", () => s.close(() => process.exit(0)));`,
    ],
    { timeout: 10_000 },
  );
  return probe.status !== 0;
}

interface Served {
  /** How the command ended after Ctrl-C: its exit code, or the signal that ended it. */
  ended: string;
  /** Processes of its group still alive 10 s after it ended (must be none). */
  leftOver: boolean;
  output: string;
}

/** Whether any process of the group is alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts a server command, waits until it answers on its port, runs `verify`, then sends SIGINT
 * to its process group (a terminal's Ctrl-C: npm gets it too and ends by it, as in a terminal)
 * and waits for the whole group to go.
 */
async function serveThenInterrupt(
  command: string,
  check: Extract<Check, { kind: "serves" }>,
): Promise<Served> {
  const cwd = repositoryCopy();
  copies.push(cwd);
  const child = spawn("/bin/sh", ["-c", `exec ${shellLine(command)}`], {
    cwd,
    env: environment(cwd),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, like a terminal's foreground job
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<string>((resolve) =>
    child.once("exit", (code, signal) => resolve(signal ?? `exit ${code}`)),
  );
  const pgid = child.pid ?? 0;
  try {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const health = await fetch(`http://127.0.0.1:${check.port}/api/health`).catch(
        () => undefined,
      );
      if (health?.ok) break;
      if (child.exitCode !== null) throw new Error(`${command} exited early:\n${output}`);
      if (Date.now() > deadline) throw new Error(`${command} did not serve in 90 s:\n${output}`);
      await sleep(200);
    }
    check.verify(cwd);
  } finally {
    if (groupAlive(pgid)) process.kill(-pgid, "SIGINT");
  }
  let giveUp: NodeJS.Timeout | undefined;
  const ended = await Promise.race([
    exited,
    new Promise<string>((resolve) => {
      giveUp = setTimeout(() => resolve("still running after 30 s"), 30_000);
    }),
  ]);
  clearTimeout(giveUp);
  const deadline = Date.now() + 10_000;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(100);
  const leftOver = groupAlive(pgid);
  if (leftOver) process.kill(-pgid, "SIGKILL");
  return { ended, leftOver, output };
}

const finishing = Object.entries(runHere).filter(
  (entry): entry is [string, Extract<Check, { kind: "finishes" }>] => entry[1].kind === "finishes",
);
const serving = Object.entries(runHere).filter(
  (entry): entry is [string, Extract<Check, { kind: "serves" }>] => entry[1].kind === "serves",
);
/** Another stack (a user's npm start) on a documented port: those commands cannot run as written now. */
const takenPorts = new Set(
  [...new Set(serving.map(([, check]) => check.port))].filter((port) => portTaken(port)),
);

/*
 * Everything starts in beforeAll and the tests await their command: the finishing commands all at
 * once, the servers one port at a time (two servers cannot share a port).
 */
const finishedRuns = new Map<string, Promise<Finished>>();
const servedRuns = new Map<string, Promise<Served>>();
beforeAll(() => {
  for (const [command] of finishing) {
    const cwd = repositoryCopy();
    copies.push(cwd);
    finishedRuns.set(command, runToEnd(command, cwd));
  }
  const previousOnPort = new Map<number, Promise<unknown>>();
  for (const [command, check] of serving) {
    if (takenPorts.has(check.port)) continue;
    const previous = previousOnPort.get(check.port) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => serveThenInterrupt(command, check));
    previousOnPort.set(check.port, run);
    servedRuns.set(command, run);
  }
  started.push(...finishedRuns.values(), ...servedRuns.values());
  // Each is awaited by its test; this only keeps a failure from counting as unhandled meanwhile.
  for (const run of started) run.catch(() => undefined);
});

test.each(Object.entries(runByAnotherTest))(
  "`%s` runs what its end-to-end test runs",
  (_command, { script, runs, test: testFile }) => {
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(manifest.scripts[script]).toBe(runs);
    const testSource = fs.readFileSync(path.join(repoRoot, testFile), "utf8");
    const [, entry = "", subcommand = ""] = runs.split(" ");
    expect(testSource).toContain(`"${entry}", "${subcommand}"`);
  },
);

test.each(finishing)(
  "`%s` runs as written",
  async (command, check) => {
    const run = await finishedRuns.get(command);
    if (!run) throw new Error(`${command} was not started`);
    expect([command, run.code, run.code === 0 ? "" : run.stderr]).toEqual([command, 0, ""]);
    check.verify(run);
  },
  90_000,
);

for (const [command, check] of serving) {
  const taken = takenPorts.has(check.port);
  (taken ? test.skip : test)(
    taken
      ? `\`${command}\` serves, and Ctrl-C stops all of it (skipped: port ${check.port} is in use on this machine)`
      : `\`${command}\` serves, and Ctrl-C stops all of it`,
    async () => {
      const served = await servedRuns.get(command);
      if (!served) throw new Error(`${command} was not started`);
      // npm ends by the SIGINT it got (as in a terminal); the stack it ran exits 0 and leaves nothing.
      expect([command, served.ended, served.leftOver]).toEqual([
        command,
        expect.stringMatching(/^(SIGINT|exit 0)$/),
        false,
      ]);
    },
    150_000,
  );
}

test.each(Object.keys(argumentsCheckedOnly))(
  "`%s` is accepted as written (it stops only where it needs Azure)",
  async (command) => {
    const cwd = repositoryCopy();
    copies.push(cwd);
    const placeholders = command.replace(/<batchId>/g, "20260101-120000-0123456789");
    // Only node's folder on PATH: no Pulumi CLI, whatever this machine has.
    const env = environment(cwd, { PATH: path.dirname(process.execPath) });
    const run = await runToEnd(placeholders, cwd, env);
    expect([command, run.code, run.stderr.trim()]).toEqual([
      command,
      2,
      expect.stringMatching(/needs the Pulumi CLI, which is not installed/),
    ]);
  },
  150_000,
);

const localStack = useLocalStack();

test("docs/deploy.md's HTTP example (upload the assets, queue the batch, follow statusUrl) works against a local stack", async () => {
  const cwd = repositoryCopy();
  copies.push(cwd);
  const api = localStack().stack.httpUrl;
  // curl prints the bodies without a final newline: one first, so the URL is a line of its own.
  const script = ["set -e", ...httpExample, "echo", 'echo "STATUS_URL=$STATUS_URL"'].join("\n");
  const run = await runToEnd(script, cwd, environment(cwd, { KEY: "local", API: api }));
  expect([run.code, run.code === 0 ? "" : run.stderr]).toEqual([0, ""]);
  const statusUrl = /^STATUS_URL=(.+)$/m.exec(run.stdout)?.[1] ?? "";
  expect([statusUrl, run.stdout]).toEqual([expect.stringMatching(`^${api}/batches/`), run.stdout]);
  const final = await eventually(async () => {
    const status = (await (await fetch(statusUrl)).json()) as { state: string };
    return status.state === "in_progress" ? undefined : status;
  }, 120_000);
  expect(final).toMatchObject({ state: "succeeded", failed: 0 });
}, 150_000);
