// "photo": a full-bleed background image under a dark scrim, with the text set over its lower part.
import { paintBackground, drawImageCover, drawScrim } from "./parts";
import { drawFooterRow, drawHeaderLogo, drawTextStack, padding } from "./layout";
import type { Template } from "./types";

const scrimColor = { r: 2, g: 6, b: 23, a: 1 };

export const photoTemplate: Template = {
  name: "photo",
  description:
    "Full-bleed background image with a dark scrim; eyebrow pill, title and byline over it.",
  defaultPreset: "midnight",
  defaultFont: "Inter",
  draw(scene) {
    const { width, height, unit, spec, theme } = scene;
    const pad = padding(scene);
    paintBackground(scene, theme.background, { x: 0, y: 0, width, height });
    if (scene.images.background) {
      drawImageCover(scene, scene.images.background, { x: 0, y: 0, width, height });
      // Legible text on any photo: the lower two thirds darken towards the bottom.
      drawScrim(
        scene,
        { x: 0, y: height * 0.25, width, height: height * 0.75 },
        scrimColor,
        0,
        0.88,
      );
      drawScrim(scene, { x: 0, y: 0, width, height: height * 0.25 }, scrimColor, 0.45, 0);
    }
    const headerHeight = scene.images.logo ? 48 * unit : 0;
    const footerHeight = spec.author || spec.footer ? 36 * unit : 0;
    const inner = width - pad * 2;
    if (headerHeight)
      drawHeaderLogo(scene, { x: pad, y: pad, width: inner, height: headerHeight }, "start");
    const top = pad + (headerHeight ? headerHeight + 24 * unit : 0);
    const bottom = height - pad - (footerHeight ? footerHeight + 22 * unit : 0);
    drawTextStack(scene, {
      box: { x: pad, y: top, width: inner, height: bottom - top },
      align: "start",
      placement: "bottom",
      titleWeight: 800,
      titleMaxSize: 68,
      titleMinSize: 36,
      eyebrowStyle: "pill",
    });
    if (footerHeight) {
      drawFooterRow(
        scene,
        { x: pad, y: height - pad - footerHeight, width: inner, height: footerHeight },
        "start",
        false,
      );
    }
  },
};
