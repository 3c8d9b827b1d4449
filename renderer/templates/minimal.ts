// "minimal": a quiet editorial card — solid paper colour, serif title, an accent rule, logo in the footer.
import { paintBackground, fillRoundRect } from "./parts";
import { cardDirection, drawFooterRow, drawTextStack, footerLogoBox, padding } from "./layout";
import type { Template } from "./types";

const footerHeight = 44;

export const minimalTemplate: Template = {
  name: "minimal",
  description:
    "Solid paper background, serif title beside an accent rule, logo and byline in the footer.",
  defaultPreset: "paper",
  defaultFont: "Noto Serif",
  imageBoxes(frame) {
    const { width, unit } = frame;
    const rowWidth = width - padding(frame) * 2;
    return { logo: footerLogoBox(unit, rowWidth, footerHeight * unit) };
  },
  draw(scene) {
    const { width, height, unit, spec, theme } = scene;
    const pad = padding(scene);
    paintBackground(scene, theme.background, { x: 0, y: 0, width, height });
    const rtl = cardDirection(scene) === "rtl";
    const ruleWidth = 8 * unit;
    const gutter = 36 * unit;
    const footerRowHeight =
      spec.author || spec.footer || scene.images.logo ? footerHeight * unit : 0;
    const bottom = height - pad - (footerRowHeight ? footerRowHeight + 32 * unit : 0);
    const textX = rtl ? pad : pad + ruleWidth + gutter;
    const textWidth = width - pad * 2 - ruleWidth - gutter;
    const stack = drawTextStack(scene, {
      box: { x: textX, y: pad, width: textWidth, height: bottom - pad },
      align: "start",
      placement: "center",
      titleWeight: 700,
      titleMaxSize: 72,
      titleMinSize: 38,
      titleLineHeight: 1.18,
    });
    fillRoundRect(
      scene,
      {
        x: rtl ? width - pad - ruleWidth : pad,
        y: stack.y,
        width: ruleWidth,
        height: stack.height,
      },
      ruleWidth / 2,
      theme.accent,
    );
    if (footerRowHeight) {
      drawFooterRow(
        scene,
        {
          x: pad,
          y: height - pad - footerRowHeight,
          width: width - pad * 2,
          height: footerRowHeight,
        },
        "start",
        true,
      );
    }
  },
};
