// Generates the example templates' images (avatars, a product photo) in examples/templates/assets deterministically.
import fs from "node:fs";
import path from "node:path";
import { Canvas, type SKRSContext2D } from "@napi-rs/canvas";
import sharp from "sharp";

const outDir = path.join(__dirname, "..", "examples", "templates", "assets");

interface Portrait {
  file: string;
  backdrop: [string, string];
  skin: string;
  hair: string;
  shirt: string;
}

// Drawn people, not photographs: nothing to license, and the backdrop fills the whole image so a
// square crop shows it in every corner (the pixel probes rely on that).
const portraits: Portrait[] = [
  {
    file: "ada.jpg",
    backdrop: ["#38bdf8", "#0ea5e9"],
    skin: "#f2c9a0",
    hair: "#3b2314",
    shirt: "#7c3aed",
  },
  {
    file: "grace.jpg",
    backdrop: ["#fb7185", "#e11d48"],
    skin: "#c68c5a",
    hair: "#1c1917",
    shirt: "#0f766e",
  },
  {
    file: "lin.jpg",
    backdrop: ["#a3e635", "#65a30d"],
    skin: "#e8b98a",
    hair: "#111827",
    shirt: "#1d4ed8",
  },
];

function ellipse(context: SKRSContext2D, x: number, y: number, rx: number, ry: number): void {
  context.beginPath();
  context.ellipse(x, y, rx, ry, 0, 0, Math.PI * 2);
  context.fill();
}

/** A portrait-shaped (3:4) picture with the face in its upper third: `focus` keeps it in a square crop. */
function drawPortrait(portrait: Portrait): Buffer {
  const width = 240;
  const height = 320;
  const canvas = new Canvas(width, height);
  const context = canvas.getContext("2d");
  const backdrop = context.createLinearGradient(0, 0, width, height);
  backdrop.addColorStop(0, portrait.backdrop[0]);
  backdrop.addColorStop(1, portrait.backdrop[1]);
  context.fillStyle = backdrop;
  context.fillRect(0, 0, width, height);
  context.fillStyle = portrait.shirt;
  ellipse(context, 120, 330, 110, 120);
  context.fillStyle = portrait.skin;
  context.fillRect(100, 160, 40, 50);
  context.fillStyle = portrait.hair;
  ellipse(context, 120, 100, 66, 70);
  context.fillStyle = portrait.skin;
  ellipse(context, 120, 118, 54, 62);
  context.fillStyle = portrait.hair;
  ellipse(context, 120, 66, 56, 26);
  context.fillStyle = "#1f2937";
  ellipse(context, 100, 116, 6, 7);
  ellipse(context, 140, 116, 6, 7);
  context.strokeStyle = "#9f1239";
  context.lineWidth = 5;
  context.lineCap = "round";
  context.beginPath();
  context.arc(120, 140, 18, 0.2 * Math.PI, 0.8 * Math.PI);
  context.stroke();
  return canvas.toBuffer("image/png");
}

/** A studio-style product shot: a mug on a warm, evenly lit backdrop. */
function drawMug(): Buffer {
  const width = 800;
  const height = 800;
  const canvas = new Canvas(width, height);
  const context = canvas.getContext("2d");
  const backdrop = context.createLinearGradient(0, 0, 0, height);
  backdrop.addColorStop(0, "#fde7c8");
  backdrop.addColorStop(0.62, "#f6d2a2");
  backdrop.addColorStop(0.62, "#e9b97f");
  backdrop.addColorStop(1, "#d9a066");
  context.fillStyle = backdrop;
  context.fillRect(0, 0, width, height);
  context.fillStyle = "rgba(120, 72, 30, 0.25)";
  ellipse(context, 400, 628, 230, 34);
  context.strokeStyle = "#0f766e";
  context.lineWidth = 42;
  context.beginPath();
  context.arc(560, 440, 84, -0.5 * Math.PI, 0.5 * Math.PI);
  context.stroke();
  const body = context.createLinearGradient(230, 0, 570, 0);
  body.addColorStop(0, "#115e59");
  body.addColorStop(0.45, "#14b8a6");
  body.addColorStop(1, "#0f766e");
  context.fillStyle = body;
  context.beginPath();
  context.roundRect(230, 290, 340, 340, [12, 12, 70, 70]);
  context.fill();
  context.fillStyle = "#042f2e";
  ellipse(context, 400, 292, 170, 26);
  context.fillStyle = "#5b3a1e";
  ellipse(context, 400, 296, 150, 18);
  context.strokeStyle = "rgba(255, 255, 255, 0.7)";
  context.lineWidth = 10;
  context.lineCap = "round";
  for (const x of [350, 400, 450]) {
    context.beginPath();
    context.moveTo(x, 250);
    context.bezierCurveTo(x - 30, 210, x + 30, 180, x, 130);
    context.stroke();
  }
  return canvas.toBuffer("image/png");
}

async function main(): Promise<void> {
  fs.mkdirSync(outDir, { recursive: true });
  const files: [string, Buffer][] = [
    ...portraits.map((portrait): [string, Buffer] => [portrait.file, drawPortrait(portrait)]),
    ["mug.jpg", drawMug()],
  ];
  for (const [file, png] of files) {
    const jpeg = await sharp(png).jpeg({ quality: 80, mozjpeg: true }).toBuffer();
    fs.writeFileSync(path.join(outDir, file), jpeg);
    console.log(`wrote examples/templates/assets/${file} (${jpeg.length} bytes)`);
  }
}

void main();
