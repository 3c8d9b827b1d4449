// "bold": everything centred, a very large title, the eyebrow as a pill, for announcements and launches.
import { toCss, withAlpha } from "../spec/colors";
import { paintBackground } from "./parts";
import {
  drawFooterRow,
  drawTextStack,
  headerLogoBox,
  drawHeaderLogoAndFrame,
  padding,
} from "./layout";
import type { Template } from "./types";

const logoHeight = 48;

export const boldTemplate: Template = {
  name: "bold",
  description: "Centred layout with a very large title and an eyebrow pill, for announcements.",
  defaultPreset: "sunrise",
  defaultFont: "Inter",
  imageBoxes(frame) {
    const rowWidth = frame.width - padding(frame) * 2;
    return { logo: headerLogoBox(rowWidth, logoHeight * frame.unit, "center") };
  },
  draw(scene) {
    const { context, width, height, unit, theme } = scene;
    const pad = padding(scene);
    paintBackground(scene, theme.background, { x: 0, y: 0, width, height });
    // A soft frame inset from the edges.
    context.strokeStyle = toCss(withAlpha(theme.foreground, 0.22));
    context.lineWidth = 2 * unit;
    context.beginPath();
    context.roundRect(pad * 0.45, pad * 0.45, width - pad * 0.9, height - pad * 0.9, 28 * unit);
    context.stroke();
    const area = { x: pad, y: pad, width: width - pad * 2, height: height - pad * 2 };
    const frame = drawHeaderLogoAndFrame(scene, area, {
      logoHeight,
      footerHeight: 34,
      gap: 20,
      logoAnchor: "center",
    });
    drawTextStack(scene, {
      box: frame.content,
      align: "center",
      placement: "center",
      titleWeight: 800,
      titleMaxSize: 96,
      titleMinSize: 44,
      titleLineHeight: 1.05,
      eyebrowStyle: "pill",
    });
    if (frame.footer) drawFooterRow(scene, frame.footer, "center", false);
  },
};
