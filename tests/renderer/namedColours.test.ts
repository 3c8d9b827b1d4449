// What users type reaches the pixels: CSS colour names paint their exact RGB values, "jpg" encodes JPEG.
import { renderCard } from "../../renderer/render";
import type { CardSpecInput } from "../../renderer/spec/schema";
import { parseCardSpec } from "../../renderer/spec/validate";
import { pixelAt, renderPixels } from "../support/pixels";

const small = { width: 240, height: 128 } as const;

const render = async (input: CardSpecInput) => (await renderCard(parseCardSpec(input))).bytes;

describe("CSS named colours in a render", () => {
  it("paint a solid background with the colour's exact value", async () => {
    const pixels = await renderPixels({
      title: "x",
      template: "minimal",
      size: small,
      theme: { background: "rebeccapurple" },
    });
    expect(pixelAt(pixels, 0, 0)).toEqual([102, 51, 153]);
  });

  it("give the same bytes as their hex values, in gradients and text colours", async () => {
    const named = await render({
      title: "Named",
      size: small,
      theme: {
        background: { type: "linear", stops: [{ color: "navy" }, { color: "tomato" }] },
        foreground: "gold",
        accent: "lime",
      },
    });
    const hex = await render({
      title: "Named",
      size: small,
      theme: {
        background: { type: "linear", stops: [{ color: "#000080" }, { color: "#ff6347" }] },
        foreground: "#ffd700",
        accent: "#00ff00",
      },
    });
    expect(Buffer.compare(named, hex)).toBe(0);
  });
});

describe('"jpg" as a format', () => {
  it('encodes the same JPEG as "jpeg", with the .jpg extension', async () => {
    const alias = await renderCard(parseCardSpec({ title: "x", size: small, format: "jpg" }));
    const canonical = await renderCard(parseCardSpec({ title: "x", size: small, format: "jpeg" }));
    expect(alias.contentType).toBe("image/jpeg");
    expect(alias.extension).toBe("jpg");
    expect(Buffer.compare(alias.bytes, canonical.bytes)).toBe(0);
    expect([...alias.bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
  });
});
