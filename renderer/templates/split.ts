// "split": text on a coloured panel beside a picture (the background image, or an accent composition).
import { toCss, withAlpha } from "../spec/colors";
import { drawImageCover, paintBackground } from "./parts";
import {
  cardDirection,
  drawFooterRow,
  drawHeaderLogoAndFrame,
  drawTextStack,
  headerLogoBox,
  isTall,
  padding,
} from "./layout";
import type { Rect } from "./parts";
import type { Scene, SceneFrame, Template } from "./types";

const logoHeight = 44;

/** The picture's share of the card and the panel's, side by side (wide) or stacked (tall). */
function regions(frame: SceneFrame, rtl: boolean): { picture: Rect; panel: Rect } {
  const { width, height } = frame;
  // Wide cards split left/right; tall ones put the picture on top.
  if (isTall(frame)) {
    const picture = { x: 0, y: 0, width, height: height * 0.42 };
    return { picture, panel: { x: 0, y: picture.height, width, height: height - picture.height } };
  }
  return {
    picture: { x: rtl ? 0 : width * 0.58, y: 0, width: width * 0.42, height },
    panel: { x: rtl ? width * 0.42 : 0, y: 0, width: width * 0.58, height },
  };
}

/** The panel's padding: a little less than other templates'. */
const panelPadding = (frame: SceneFrame) => padding(frame) * 0.9;

function drawComposition(scene: Scene, area: Rect): void {
  const { context, theme } = scene;
  paintBackground(scene, { kind: "solid", color: withAlpha(theme.accent, 1) }, area);
  const radius = Math.min(area.width, area.height);
  context.save();
  context.beginPath();
  context.rect(area.x, area.y, area.width, area.height);
  context.clip();
  const circles: [number, number, number, number][] = [
    [0.75, 0.2, 0.55, 0.35],
    [0.2, 0.85, 0.45, 0.25],
    [0.55, 0.6, 0.22, 0.5],
  ];
  for (const [cx, cy, size, alpha] of circles) {
    context.fillStyle = toCss(withAlpha(theme.foreground, alpha));
    context.beginPath();
    context.arc(area.x + area.width * cx, area.y + area.height * cy, radius * size, 0, Math.PI * 2);
    context.fill();
  }
  context.restore();
}

export const splitTemplate: Template = {
  name: "split",
  description: "Title on a themed panel beside the background image (or an accent composition).",
  defaultPreset: "ocean",
  defaultFont: "Inter",
  imageBoxes(frame) {
    const { picture, panel } = regions(frame, false);
    const rowWidth = panel.width - panelPadding(frame) * 2;
    return {
      logo: headerLogoBox(rowWidth, logoHeight * frame.unit, "start"),
      background: { width: picture.width, height: picture.height, fit: "cover" },
    };
  },
  draw(scene) {
    const { theme } = scene;
    const { picture, panel } = regions(scene, cardDirection(scene) === "rtl");
    paintBackground(scene, theme.background, panel);
    if (scene.images.background) drawImageCover(scene, scene.images.background, picture);
    else drawComposition(scene, picture);
    const pad = panelPadding(scene);
    const inner = {
      x: panel.x + pad,
      y: panel.y + pad,
      width: panel.width - pad * 2,
      height: panel.height - pad * 2,
    };
    const frame = drawHeaderLogoAndFrame(scene, inner, {
      logoHeight,
      footerHeight: 36,
      gap: 24,
      logoAnchor: "start",
    });
    drawTextStack(scene, {
      box: frame.content,
      align: "start",
      placement: "center",
      titleWeight: 800,
      titleMaxSize: 64,
      titleMinSize: 34,
    });
    if (frame.footer) drawFooterRow(scene, frame.footer, "start", false);
  },
};
