// The stack stops as a whole when any process of `npm start` is signalled or killed: no orphaned tsx, host or Azurite.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { readProcessStat } from "../../local/processInfo";
import { readStackFile } from "../../local/stackFile";
import { killAll, processTree, waitUntilGone, type TreeProcess } from "./support/processTree";
import { launchers, startStackProcess } from "./support/stackProcess";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-lifetime-"));
let tree: TreeProcess[] = [];

afterEach(() => killAll(tree));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** How long the whole tree may take to go: an idle host stops at once, Azurite in a moment. */
const goneWithinMs = 15_000;

type Target = "launcher" | "supervisor" | "host";

test.each<[keyof typeof launchers, Target, NodeJS.Signals]>([
  ["npm", "launcher", "SIGTERM"], // `kill <pid of npm start>`: npm relays it only to its sh -c
  ["tsx", "launcher", "SIGTERM"],
  ["tsx", "supervisor", "SIGTERM"],
  ["tsx", "launcher", "SIGKILL"],
  ["tsx", "host", "SIGKILL"], // Azurite must not outlive the host that ran it
])(
  "%s start: %s gets %s → every process of the stack exits",
  async (launcher, target, signal) => {
    const env = { CARDPRESS_STATE_DIR: path.join(tmp, `${launcher}-${target}-${signal}`) };
    const stack = await startStackProcess(["--in-memory", "--port", "0"], env, launchers[launcher]);
    const top = stack.child.pid as number;
    tree = processTree(top);
    const commands = tree.map(({ command }) => command).join("\n");
    expect(commands).toMatch(/azurite/);
    expect(tree.map(({ pid }) => pid)).toContain(stack.info.pid);
    const supervisor = readProcessStat(stack.info.pid)?.ppid as number;
    const pid = { launcher: top, supervisor, host: stack.info.pid }[target];

    process.kill(pid, signal);
    const left = await waitUntilGone(tree, goneWithinMs);
    expect(left.map(({ pid: leftPid, command }) => `${leftPid} ${command}`)).toEqual([]);
    expect(readStackFile(env)).toBeUndefined();
    expect(stack.logs.join("\n")).not.toMatch(/WARNING|test mode/);
  },
  60_000,
);
