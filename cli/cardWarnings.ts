// How the CLI shows a card's render warnings to people: the ⚠ lines every command prints the same way.

/**
 * One `⚠ <warning>` line per warning. Under a card's own ✔ line (render, status, wait, download)
 * they are indented below it; on their own (the demo, whose stdout is `<id><TAB><url>`) they name
 * the card.
 */
export function warningLines(
  warnings: readonly string[],
  placement: { indent: string } | { cardId: string } = { indent: "  " },
): string[] {
  return warnings.map((warning) =>
    "cardId" in placement ? `⚠ ${placement.cardId}: ${warning}` : `${placement.indent}⚠ ${warning}`,
  );
}
