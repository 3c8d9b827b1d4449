// Generates the example images (logo, landscape photo) in examples/assets deterministically.
import fs from "node:fs";
import path from "node:path";
import { Canvas, GlobalFonts } from "@napi-rs/canvas";
import sharp from "sharp";
import { fontPackageDirectory } from "../renderer/fonts/loader";

const outDir = path.join(__dirname, "..", "examples", "assets");

function makeLogo(): Buffer {
  GlobalFonts.registerFromPath(
    path.join(fontPackageDirectory("@fontsource/inter"), "files", "inter-latin-800-normal.woff2"),
    "Inter",
  );
  // A self-contained mark (no loose wordmark) reads on light and dark templates alike.
  const canvas = new Canvas(120, 120);
  const context = canvas.getContext("2d");
  context.fillStyle = "#f97316";
  context.beginPath();
  context.roundRect(0, 0, 120, 120, 28);
  context.fill();
  context.fillStyle = "#ffffff";
  context.font = '800 64px "Inter"';
  context.textAlign = "center";
  context.textBaseline = "middle";
  context.fillText("cp", 60, 64);
  return canvas.toBuffer("image/png");
}

async function makeLandscape(): Promise<Buffer> {
  const width = 1600;
  const height = 1000;
  const canvas = new Canvas(width, height);
  const context = canvas.getContext("2d");
  const sky = context.createLinearGradient(0, 0, 0, height * 0.7);
  sky.addColorStop(0, "#1e3a8a");
  sky.addColorStop(0.55, "#f472b6");
  sky.addColorStop(1, "#fdba74");
  context.fillStyle = sky;
  context.fillRect(0, 0, width, height);
  context.fillStyle = "#fff7ed";
  context.beginPath();
  context.arc(width * 0.68, height * 0.52, 90, 0, Math.PI * 2);
  context.fill();
  // Deterministic ridges: sums of sines instead of random noise.
  const ridges: [string, number, number][] = [
    ["#7c3aed", 0.55, 90],
    ["#4c1d95", 0.66, 70],
    ["#1e1b4b", 0.78, 55],
    ["#0f0a2e", 0.9, 35],
  ];
  ridges.forEach(([color, base, amplitude], layer) => {
    context.fillStyle = color;
    context.beginPath();
    context.moveTo(0, height);
    for (let x = 0; x <= width; x += 8) {
      const y =
        height * base -
        amplitude * Math.sin(x / (170 + layer * 40) + layer) -
        (amplitude / 2) * Math.sin(x / (53 + layer * 11) + layer * 2);
      context.lineTo(x, y);
    }
    context.lineTo(width, height);
    context.closePath();
    context.fill();
  });
  return sharp(canvas.toBuffer("image/png")).jpeg({ quality: 82 }).toBuffer();
}

async function main(): Promise<void> {
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, "logo.png"), makeLogo());
  fs.writeFileSync(path.join(outDir, "landscape.jpg"), await makeLandscape());
  console.log(`wrote ${outDir}/logo.png and landscape.jpg`);
}

void main();
