// Registers each distinct brand font file once per engine, under a name from its content hash, within a byte budget.
import { createHash } from "node:crypto";
import type { CanvasEngine } from "../engine/types";
import { FontFileError, RenderError } from "../errors";
import { limits } from "../limits";
import { checkFontFile, type FontFacts } from "./brandFontFile";

/** A font file registered with the engine. */
export interface RegisteredFont {
  /** SHA-256 of the file's bytes, hex. */
  hash: string;
  /** The family name it is registered under: `cardpress-brand-<first 32 hex digits of its SHA-256>`. */
  alias: string;
  facts: FontFacts;
  size: number;
}

/**
 * This process has registered as many brand font bytes as its budget allows, and the card needs
 * another file. Not permanent: a fresh process (another instance, or this one recycled) renders it.
 */
export class BrandFontBudgetError extends RenderError {
  override name = "BrandFontBudgetError";
}

/** Failures are remembered by content hash (a hostile file is not parsed again for every card). */
const maxRememberedFailures = 64;

const megabytes = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

/**
 * The brand fonts registered with one engine. Same bytes → same name, whatever was registered
 * before, so output never depends on history: two templates may both call a family "Brand Sans"
 * with different files, and each file is drawn under its own name.
 *
 * A file stays registered for the life of the process: @napi-rs/canvas's GlobalFonts is
 * process-wide, and GlobalFonts.remove un-names a font without returning its memory (measured:
 * registering, drawing and removing a 5.8 MB WOFF2 twenty times grew RSS by ~13 MB each time, as
 * much as keeping them all). So nothing is evicted; instead the encoded bytes registered are
 * bounded by `budgetBytes`, and a card that needs a new file past it fails with
 * BrandFontBudgetError (files already registered keep drawing).
 */
export class BrandFontRegistry {
  private readonly entries = new Map<string, RegisteredFont>();
  private readonly failures = new Map<string, FontFileError>();
  private keptBytes = 0;

  constructor(
    private readonly engine: CanvasEngine,
    readonly budgetBytes: number = limits.cacheBudgets.brandFontBytes,
  ) {}

  /** Encoded bytes of the files registered. */
  get bytes(): number {
    return this.keptBytes;
  }

  /** How many files are registered. */
  get count(): number {
    return this.entries.size;
  }

  /**
   * Checks and registers a file once per content; later calls with the same bytes return the
   * same registration. `label` names it in errors: `fonts[0].src "fonts/Brand.woff2"`.
   */
  register(bytes: Uint8Array, label: string): RegisteredFont {
    const hash = createHash("sha256").update(bytes).digest("hex");
    const known = this.entries.get(hash);
    if (known) return known;
    const failed = this.failures.get(hash);
    if (failed)
      throw new FontFileError(`${label}:${failed.message.slice(failed.message.indexOf(":") + 1)}`);
    if (this.keptBytes + bytes.length > this.budgetBytes) {
      throw new BrandFontBudgetError(
        `${label}: this process has registered ${megabytes(this.keptBytes)} of brand font files; ${megabytes(bytes.length)} more would pass its budget of ${megabytes(this.budgetBytes)} (limits.cacheBudgets.brandFontBytes). Registered fonts stay for the life of the process, so a fresh process renders this card`,
      );
    }
    const font = this.check(hash, bytes, label);
    this.entries.set(hash, font);
    this.keptBytes += font.size;
    return font;
  }

  private check(hash: string, bytes: Uint8Array, label: string): RegisteredFont {
    try {
      const facts = checkFontFile(bytes, label);
      const alias = `cardpress-brand-${hash.slice(0, 32)}`;
      if (!this.engine.registerFontBytes(bytes, alias)) {
        throw new FontFileError(
          `${label}: the canvas engine rejected it (fontkit read it as ${facts.format}, but Skia cannot load it)`,
        );
      }
      return { hash, alias, facts, size: bytes.length };
    } catch (error) {
      if (error instanceof FontFileError) {
        if (this.failures.size >= maxRememberedFailures) {
          this.failures.delete(this.failures.keys().next().value ?? "");
        }
        this.failures.set(hash, error);
      }
      throw error;
    }
  }
}

const registries = new WeakMap<CanvasEngine, BrandFontRegistry>();

/**
 * The registry of an engine (one per engine object, like its FontLoader). `budgetBytes` applies
 * when the registry is made (tests use a small one).
 */
export function brandFontRegistryOf(
  engine: CanvasEngine,
  budgetBytes: number = limits.cacheBudgets.brandFontBytes,
): BrandFontRegistry {
  let registry = registries.get(engine);
  if (!registry) {
    registry = new BrandFontRegistry(engine, budgetBytes);
    registries.set(engine, registry);
  }
  return registry;
}
