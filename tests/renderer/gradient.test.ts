// Gradient pixels are part of the output bytes: a faster fill must give exactly the pixels it gave before.
import crypto from "node:crypto";
import { linearGradientPixels, placeStops } from "../../renderer/paint/gradient";

/*
 * Digests recorded from the per-pixel loop before renderer/paint/gradient.ts fills rows in a
 * function of their own and the clamped start of a row natively (issue 10, CLI start-up). Angles
 * cover each direction, both axes (where one of the two steps is ±6e-17, not 0) and a 1-pixel
 * column (parts.ts's scrim); three stops with alpha exercise the premultiplied lookup table.
 */
const stops = placeStops([
  { color: { r: 17, g: 24, b: 39, a: 1 } },
  { color: { r: 99, g: 102, b: 241, a: 0.6 }, position: 0.4 },
  { color: { r: 236, g: 72, b: 153, a: 1 } },
]);

test.each([
  [1200, 630, 135, "31f35025e5601ae8"],
  [1200, 630, 180, "59a7eaf7a32900ec"],
  [1200, 630, 90, "5e8361a3c109a5b2"],
  [1200, 630, 0, "b11d406c602549ce"],
  [1080, 1080, -45, "06f767157924b53a"],
  [1200, 630, 270, "35eba7d32369078a"],
  [1, 630, 180, "055da3dac798e2ee"],
  [333, 17, 200, "58131c0fb3fbfa0f"],
])("%i×%i at %i° gives the same pixels as before", (width, height, angle, digest) => {
  const pixels = linearGradientPixels(width, height, angle, stops);
  expect(pixels.length).toBe(width * height * 4);
  expect(crypto.createHash("sha256").update(pixels).digest("hex").slice(0, 16)).toBe(digest);
});
