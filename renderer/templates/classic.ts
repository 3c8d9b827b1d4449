// "classic": gradient background, logo on top, eyebrow, large title and subtitle, author/footer row.
import { toCss, withAlpha } from "../spec/colors";
import { paintBackground } from "./parts";
import { cardDirection, drawFooterRow, drawHeaderLogo, drawTextStack, padding } from "./layout";
import type { Template } from "./types";

export const classicTemplate: Template = {
  name: "classic",
  description: "Gradient background, logo, eyebrow, bold title, subtitle and an author/footer row.",
  defaultPreset: "midnight",
  defaultFont: "Inter",
  draw(scene) {
    const { context, width, height, unit, spec, theme } = scene;
    const pad = padding(scene);
    paintBackground(scene, theme.background, { x: 0, y: 0, width, height });

    // Two faint rings in the far corner give depth without competing with the text.
    const rtl = cardDirection(scene) === "rtl";
    const ringX = rtl ? 0 : width;
    context.strokeStyle = toCss(withAlpha(theme.accent, 0.18));
    context.lineWidth = 2 * unit;
    for (const radius of [height * 0.42, height * 0.62]) {
      context.beginPath();
      context.arc(ringX, 0, radius, 0, Math.PI * 2);
      context.stroke();
    }

    const headerHeight = scene.images.logo ? 52 * unit : 0;
    const footerHeight = spec.author || spec.footer ? 40 * unit : 0;
    const inner = width - pad * 2;
    if (headerHeight)
      drawHeaderLogo(scene, { x: pad, y: pad, width: inner, height: headerHeight }, "start");
    const top = pad + (headerHeight ? headerHeight + 28 * unit : 0);
    const bottom = height - pad - (footerHeight ? footerHeight + 28 * unit : 0);
    // On wide cards the text keeps clear of the rings' side.
    const textWidth = inner * (scene.width > scene.height ? 0.9 : 1);
    drawTextStack(scene, {
      box: {
        x: rtl ? pad + inner - textWidth : pad,
        y: top,
        width: textWidth,
        height: bottom - top,
      },
      align: "start",
      placement: "center",
      titleWeight: 800,
      titleMaxSize: 76,
      titleMinSize: 40,
    });
    if (footerHeight) {
      context.fillStyle = toCss(withAlpha(theme.foreground, 0.16));
      context.fillRect(pad, height - pad - footerHeight - 14 * unit, inner, Math.max(1, unit));
      drawFooterRow(
        scene,
        { x: pad, y: height - pad - footerHeight, width: inner, height: footerHeight },
        "start",
        false,
      );
    }
  },
};
