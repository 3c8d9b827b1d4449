// Reads the project's Markdown docs: the shell commands of their fenced code blocks, and their relative links.
import fs from "node:fs";
import path from "node:path";

export const repoRoot = path.join(__dirname, "../../..");

/** README.md and every docs/*.md, relative to the repository root. */
export function docFiles(): string[] {
  const docs = fs
    .readdirSync(path.join(repoRoot, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`);
  return ["README.md", ...docs];
}

export interface DocCommand {
  /** The command as a user would paste it, comment removed, continuation lines joined. */
  command: string;
  /** `file:line` of the command in the docs. */
  where: string;
}

const shellLanguages = new Set(["sh", "bash", "shell", "console", "zsh"]);

/** Index of a `#` that starts a comment (preceded by whitespace, outside quotes), or -1. */
function commentStart(line: string): number {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === "#" && (i === 0 || /\s/.test(line[i - 1] ?? ""))) return i;
  }
  return -1;
}

/**
 * Shell commands in ```sh / ```bash / ```shell / ```console blocks. In `console` blocks only lines
 * starting with `$ ` are commands (the rest is output). A trailing comment of the form
 * `# or: <command>` names an alternative command, which is extracted too.
 */
export function shellCommands(file: string): DocCommand[] {
  const lines = fs.readFileSync(path.join(repoRoot, file), "utf8").split("\n");
  const commands: DocCommand[] = [];
  let language: string | undefined;
  let pending: { text: string; line: number } | undefined;
  lines.forEach((raw, index) => {
    const fence = /^\s*```(\S*)/.exec(raw);
    if (fence) {
      language = language === undefined ? (fence[1] ?? "") : undefined;
      return;
    }
    if (language === undefined || !shellLanguages.has(language)) return;
    let line = raw;
    if (language === "console") {
      if (!pending && !line.startsWith("$ ")) return;
      if (!pending) line = line.slice(2);
    }
    const hash = commentStart(line);
    const comment = hash >= 0 ? line.slice(hash + 1).trim() : "";
    const code = (hash >= 0 ? line.slice(0, hash) : line).trim();
    const alternative = /^or:\s*(.+)$/.exec(comment)?.[1];
    if (alternative) commands.push({ command: alternative.trim(), where: `${file}:${index + 1}` });
    if (!code && !pending) return;
    const continued = code.endsWith("\\");
    const text = `${pending ? `${pending.text} ` : ""}${continued ? code.slice(0, -1).trim() : code}`;
    const start = pending?.line ?? index + 1;
    if (continued) pending = { text, line: start };
    else {
      pending = undefined;
      commands.push({ command: text.replace(/\s+/g, " "), where: `${file}:${start}` });
    }
  });
  return commands;
}

export interface DocLink {
  target: string;
  where: string;
}

/** Markdown links and images `[text](target)` / `![alt](target)` that are not URLs. */
export function relativeLinks(file: string): DocLink[] {
  const lines = fs.readFileSync(path.join(repoRoot, file), "utf8").split("\n");
  const links: DocLink[] = [];
  let inFence = false;
  lines.forEach((line, index) => {
    if (/^\s*```/.test(line)) inFence = !inFence;
    if (inFence) return;
    const withoutCode = line.replace(/`[^`]*`/g, "");
    for (const match of withoutCode.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = match[1] ?? "";
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, …
      links.push({ target, where: `${file}:${index + 1}` });
    }
  });
  return links;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, "")
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** The anchors of a Markdown file's headings (duplicates numbered as GitHub does). */
export function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  const counts = new Map<string, number>();
  let inFence = false;
  for (const line of fs.readFileSync(path.join(repoRoot, file), "utf8").split("\n")) {
    if (/^\s*```/.test(line)) inFence = !inFence;
    const heading = inFence ? undefined : /^#{1,6}\s+(.*)$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const anchor = headingAnchor(heading);
    const seen = counts.get(anchor) ?? 0;
    counts.set(anchor, seen + 1);
    anchors.add(seen === 0 ? anchor : `${anchor}-${seen}`);
  }
  return anchors;
}
