// Engine selection: napi by default, skia-canvas on request where installed, clear errors otherwise.
import sharp from "sharp";
import { EngineUnavailableError } from "../../renderer/errors";
import { engineName, getEngine } from "../../renderer/engine/select";
import { createSkiaCanvasEngine, loadSkiaCanvas } from "../../renderer/engine/skiaCanvas";
import { renderCard } from "../../renderer/render";
import { parseCardSpec } from "../../renderer/spec/validate";

function skiaCanvasUnavailableReason(): string | undefined {
  try {
    loadSkiaCanvas();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe("engine selection", () => {
  it("uses @napi-rs/canvas unless CARDPRESS_ENGINE says otherwise", () => {
    expect(engineName({})).toBe("napi");
    expect(engineName({ CARDPRESS_ENGINE: "skia-canvas" })).toBe("skia-canvas");
    expect(getEngine("napi").name).toBe("napi");
  });

  it("rejects an unknown engine name with the allowed ones", () => {
    expect(() => engineName({ CARDPRESS_ENGINE: "cairo" })).toThrow(
      'CARDPRESS_ENGINE="cairo" is not an engine; expected one of napi, skia-canvas',
    );
  });
});

const skiaReason = skiaCanvasUnavailableReason();

if (skiaReason) {
  describe("skia-canvas engine", () => {
    it("explains how to get it when it is requested but not installed", () => {
      expect(() => getEngine("skia-canvas")).toThrow(EngineUnavailableError);
      expect(skiaReason).toMatch(/npm i skia-canvas/);
    });
    // skia-canvas's install downloads its binary, which this machine cannot; its render tests are skipped.
    // The reason's first sentence; the loader's error after it names a long require stack.
    const short = skiaReason.split(" (")[0] ?? skiaReason;
    it.skip(`renders cards (skipped: ${short}; npm i skia-canvas installs it)`, () => undefined);
  });
} else {
  describe("skia-canvas engine", () => {
    it("renders the same card as napi, at the same size", async () => {
      const spec = parseCardSpec({ title: "Engine parity", eyebrow: "skia-canvas" });
      const card = await renderCard(spec, new Map(), createSkiaCanvasEngine());
      const metadata = await sharp(card.bytes).metadata();
      expect([metadata.format, metadata.width, metadata.height]).toEqual(["png", 1200, 630]);
    });
  });
}
