// "bold": everything centred, a very large title, the eyebrow as a pill, for announcements and launches.
import { toCss, withAlpha } from "../spec/colors";
import { paintBackground } from "./parts";
import { drawFooterRow, drawHeaderLogo, drawTextStack, padding } from "./layout";
import type { Template } from "./types";

export const boldTemplate: Template = {
  name: "bold",
  description: "Centred layout with a very large title and an eyebrow pill, for announcements.",
  defaultPreset: "sunrise",
  defaultFont: "Inter",
  draw(scene) {
    const { context, width, height, unit, spec, theme } = scene;
    const pad = padding(scene);
    paintBackground(scene, theme.background, { x: 0, y: 0, width, height });
    // A soft frame inset from the edges.
    context.strokeStyle = toCss(withAlpha(theme.foreground, 0.22));
    context.lineWidth = 2 * unit;
    context.beginPath();
    context.roundRect(pad * 0.45, pad * 0.45, width - pad * 0.9, height - pad * 0.9, 28 * unit);
    context.stroke();
    const headerHeight = scene.images.logo ? 48 * unit : 0;
    const footerHeight = spec.author || spec.footer ? 34 * unit : 0;
    const inner = width - pad * 2;
    if (headerHeight)
      drawHeaderLogo(scene, { x: pad, y: pad, width: inner, height: headerHeight }, "center");
    const top = pad + (headerHeight ? headerHeight + 20 * unit : 0);
    const bottom = height - pad - (footerHeight ? footerHeight + 20 * unit : 0);
    drawTextStack(scene, {
      box: { x: pad, y: top, width: inner, height: bottom - top },
      align: "center",
      placement: "center",
      titleWeight: 800,
      titleMaxSize: 96,
      titleMinSize: 44,
      titleLineHeight: 1.05,
      eyebrowStyle: "pill",
    });
    if (footerHeight) {
      drawFooterRow(
        scene,
        { x: pad, y: height - pad - footerHeight, width: inner, height: footerHeight },
        "center",
        false,
      );
    }
  },
};
