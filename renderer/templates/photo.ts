// "photo": a full-bleed background image under a dark scrim, with the text set over its lower part.
import { drawImageCover, drawScrim, paintBackground } from "./parts";
import {
  drawFooterRow,
  drawTextStack,
  headerLogoBox,
  drawHeaderLogoAndFrame,
  padding,
} from "./layout";
import type { Template } from "./types";

const scrimColor = { r: 2, g: 6, b: 23, a: 1 };
const logoHeight = 48;

export const photoTemplate: Template = {
  name: "photo",
  description:
    "Full-bleed background image with a dark scrim; eyebrow pill, title and byline over it.",
  defaultPreset: "midnight",
  defaultFont: "Inter",
  imageBoxes(frame) {
    const { width, height, unit } = frame;
    const rowWidth = width - padding(frame) * 2;
    return {
      logo: headerLogoBox(rowWidth, logoHeight * unit, "start"),
      background: { width, height, fit: "cover" },
    };
  },
  draw(scene) {
    const { width, height, theme } = scene;
    const pad = padding(scene);
    paintBackground(scene, theme.background, { x: 0, y: 0, width, height });
    if (scene.images.background) {
      drawImageCover(scene, scene.images.background, { x: 0, y: 0, width, height });
      // Legible text on any photo: the lower three quarters darken towards the bottom.
      drawScrim(
        scene,
        { x: 0, y: height * 0.25, width, height: height * 0.75 },
        scrimColor,
        0,
        0.88,
      );
      drawScrim(scene, { x: 0, y: 0, width, height: height * 0.25 }, scrimColor, 0.45, 0);
    }
    const area = { x: pad, y: pad, width: width - pad * 2, height: height - pad * 2 };
    const frame = drawHeaderLogoAndFrame(scene, area, {
      logoHeight,
      footerHeight: 36,
      gap: 22,
      logoAnchor: "start",
    });
    drawTextStack(scene, {
      box: frame.content,
      align: "start",
      placement: "bottom",
      titleWeight: 800,
      titleMaxSize: 68,
      titleMinSize: 36,
      eyebrowStyle: "pill",
    });
    if (frame.footer) drawFooterRow(scene, frame.footer, "start", false);
  },
};
