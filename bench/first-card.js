// Child process for the benchmark: time from process start to the first encoded standard card (compiled code).
const start = performance.now();
const { renderCard, parseCardSpec } = require("../dist/renderer/index.js");
const { standardCard, standardAssets } = require("../dist/bench/standardCard.js");
renderCard(parseCardSpec(standardCard), standardAssets()).then((card) => {
  process.stdout.write(
    JSON.stringify({ firstCardMs: performance.now(), requireMs: start, bytes: card.bytes.length }),
  );
});
