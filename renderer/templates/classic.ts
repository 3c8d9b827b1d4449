// "classic": gradient background, logo on top, eyebrow, large title and subtitle, author/footer row.
import { toCss, withAlpha } from "../spec/colors";
import { paintBackground } from "./parts";
import {
  cardDirection,
  drawFooterRow,
  drawTextStack,
  headerLogoBox,
  drawHeaderLogoAndFrame,
  padding,
} from "./layout";
import type { Template } from "./types";

const logoHeight = 52;

export const classicTemplate: Template = {
  name: "classic",
  description: "Gradient background, logo, eyebrow, bold title, subtitle and an author/footer row.",
  defaultPreset: "midnight",
  defaultFont: "Inter",
  imageBoxes(frame) {
    const rowWidth = frame.width - padding(frame) * 2;
    return { logo: headerLogoBox(rowWidth, logoHeight * frame.unit, "start") };
  },
  draw(scene) {
    const { context, width, height, unit, theme } = scene;
    const pad = padding(scene);
    paintBackground(scene, theme.background, { x: 0, y: 0, width, height });

    // Two faint rings in the far corner give depth without competing with the text.
    const rtl = cardDirection(scene) === "rtl";
    context.strokeStyle = toCss(withAlpha(theme.accent, 0.18));
    context.lineWidth = 2 * unit;
    for (const radius of [height * 0.42, height * 0.62]) {
      context.beginPath();
      context.arc(rtl ? 0 : width, 0, radius, 0, Math.PI * 2);
      context.stroke();
    }

    const area = { x: pad, y: pad, width: width - pad * 2, height: height - pad * 2 };
    const frame = drawHeaderLogoAndFrame(scene, area, {
      logoHeight,
      footerHeight: 40,
      gap: 28,
      logoAnchor: "start",
    });
    // On wide cards the text keeps clear of the rings' side.
    const textWidth = area.width * (width > height ? 0.9 : 1);
    drawTextStack(scene, {
      box: {
        ...frame.content,
        x: rtl ? area.x + area.width - textWidth : area.x,
        width: textWidth,
      },
      align: "start",
      placement: "center",
      titleWeight: 800,
      titleMaxSize: 76,
      titleMinSize: 40,
    });
    if (frame.footer) {
      // A hairline above the byline.
      context.fillStyle = toCss(withAlpha(theme.foreground, 0.16));
      context.fillRect(area.x, frame.footer.y - 14 * unit, area.width, Math.max(1, unit));
      drawFooterRow(scene, frame.footer, "start", false);
    }
  },
};
