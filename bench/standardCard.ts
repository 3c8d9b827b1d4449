// The benchmark's standard card: 1200×630 PNG, multi-stop gradient, logo, 2–3-line bold title, subtitle, footer.
import fs from "node:fs";
import path from "node:path";
import type { CardSpecInput } from "../renderer/spec/schema";

export const standardCard: CardSpecInput = {
  id: "standard",
  template: "classic",
  size: "og",
  format: "png",
  eyebrow: "Engineering",
  title: "How we render ten thousand social cards an hour on a consumption plan",
  subtitle: "Skia for drawing, libvips for encoding, and a queue that never loses a card.",
  author: "Ada Lovelace",
  footer: "cardpress.dev",
  logo: "logo.png",
  theme: {
    background: {
      type: "linear",
      angle: 120,
      stops: [{ color: "#0f172a" }, { color: "#4f46e5" }, { color: "#db2777" }],
    },
  },
};

export function standardAssets(): Map<string, Uint8Array> {
  // Runs from bench/ (tsx) and from dist/bench/ (compiled, for the start-up measurement).
  const root = [path.join(__dirname, ".."), path.join(__dirname, "..", "..")].find((candidate) =>
    fs.existsSync(path.join(candidate, "examples")),
  );
  const file = path.join(root ?? ".", "examples", "assets", "logo.png");
  return new Map([["logo.png", fs.readFileSync(file)]]);
}
