// Same card, same bytes: a fresh process and one that rendered other scripts and emoji first agree.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { renderCard } from "../../renderer/render";
import { parseCardSpec } from "../../renderer/spec/validate";
import type { CardSpecInput } from "../../renderer/spec/schema";

const root = path.join(__dirname, "..", "..");
const tsx = path.join(root, "node_modules", ".bin", "tsx");

/** Cards whose fonts are loaded lazily: each needs a different set of subsets and fallbacks. */
const cards: Record<string, CardSpecInput> = {
  thumbs: { title: "Great job 👍" },
  gestures: { title: "👋 👎 👌 👏 📈 👍🏽", template: "minimal" },
  sequences: { title: "Family 👨‍👩‍👧 🇫🇷 1️⃣ ❤️ ©️", subtitle: "Keycaps, flags, ZWJ" },
  scripts: { title: "中文 한국어 日本語", subtitle: "مرحبا بالعالم · שלום", template: "bold" },
  serif: { title: "Sérif ‼️ ™ © #️⃣ ↔️", theme: { font: "Noto Serif" } },
};

/** Renders one card with the real CLI in a new process: nothing was loaded before it. */
function renderInFreshProcess(id: string, spec: CardSpecInput, folder: string): Buffer {
  const file = path.join(folder, `${id}.json`);
  fs.writeFileSync(file, JSON.stringify({ ...spec, id }));
  const out = path.join(folder, `out-${id}`);
  const run = spawnSync(tsx, [path.join(root, "cli", "main.ts"), "render", file, "-o", out], {
    cwd: folder,
    encoding: "utf8",
  });
  expect({ status: run.status, stderr: run.stderr }).toEqual({
    status: 0,
    stderr: expect.any(String),
  });
  return fs.readFileSync(path.join(out, `${id}.png`));
}

describe("rendering is independent of what the process rendered before", () => {
  let folder: string;
  beforeAll(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-determinism-"));
  });
  afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

  it("gives each card the bytes a fresh process gives it, after every other card", async () => {
    const fresh = new Map(
      Object.entries(cards).map(([id, spec]) => [id, renderInFreshProcess(id, spec, folder)]),
    );
    // In this process, every card is rendered after all the others (in reverse order, then again).
    const ids = Object.keys(cards);
    const mismatches: string[] = [];
    for (const id of [...ids].reverse().concat(ids)) {
      const card = await renderCard(parseCardSpec({ ...cards[id], id }));
      if (!card.bytes.equals(fresh.get(id) ?? Buffer.alloc(0))) mismatches.push(id);
    }
    expect(mismatches).toEqual([]);
  }, 120_000);
});
