// One card's node tree: the compiled template with its `if`s decided and params filled into text, colours and sources.
import { SpecValidationError } from "../errors";
import { parseColor, type Rgba } from "../spec/colors";
import type { ResolvedBackground } from "../spec/resolveTheme";
import type { Rect } from "../templates/parts";
import { isGiven, type ParamValue, type ResolvedParams } from "./params";
import {
  placeholderName,
  placeholderPattern,
  type ImageNode,
  type ShapeNode,
  type StackNode,
  type TemplateNode,
  type TextNode,
} from "./schema";

interface CardNodeBase {
  /** The node's JSON path in the template (`root.children[1]`), or its `id`: warnings name it. */
  label: string;
  background: ResolvedBackground | undefined;
  /** Where layout put the node, in logical px from the card's top left (set by layoutTree). */
  box: Rect;
}

export interface CardStack extends CardNodeBase {
  kind: "stack";
  source: StackNode;
  children: CardNode[];
}

export interface CardText extends CardNodeBase {
  kind: "text";
  source: TextNode;
  /** The text as drawn: params filled in, transformed. */
  text: string;
  color: Rgba;
}

export interface CardImage extends CardNodeBase {
  kind: "image";
  source: ImageNode;
  /** The asset drawn, and the field an asset error names; undefined when the param is empty. */
  asset: { name: string; field: string } | undefined;
}

export interface CardShape extends CardNodeBase {
  kind: "shape";
  source: ShapeNode;
  fill: ResolvedBackground | undefined;
  stroke: Rgba | undefined;
}

export type CardNode = CardStack | CardText | CardImage | CardShape;

/** Text drawn when a text node gives no colour: near-black ink. */
const defaultInk: Rgba = { r: 15, g: 23, b: 42, a: 1 };

function invalidParam(name: string, expected: string, value: ParamValue): SpecValidationError {
  const received = typeof value === "string" ? JSON.stringify(value) : "a gradient";
  return new SpecValidationError([
    { path: `params.${name}`, message: `expected ${expected}, received ${received}` },
  ]);
}

/** A colour literal or `{{param}}`; undefined when the param has no value. */
function resolveColor(value: string, params: ResolvedParams): Rgba | undefined {
  const name = placeholderName(value);
  if (name === undefined) return parseColor(value);
  const given = params.get(name);
  if (!isGiven(given)) return undefined;
  const color = typeof given === "string" ? parseColor(given) : undefined;
  if (!color) throw invalidParam(name, "a CSS colour", given);
  return color;
}

type BackgroundValue = NonNullable<StackNode["background"]>;

/** A background literal or `{{param}}` (a colour, or a background param's gradient). */
function resolveBackground(
  value: BackgroundValue | ParamValue,
  params: ResolvedParams,
): ResolvedBackground | undefined {
  if (typeof value === "string") {
    const name = placeholderName(value);
    if (name !== undefined) {
      const given = params.get(name);
      if (!isGiven(given)) return undefined;
      if (typeof given !== "string") return resolveBackground(given, params);
      const color = parseColor(given);
      if (!color) throw invalidParam(name, "a CSS colour or a gradient", given);
      return { kind: "solid", color };
    }
    const color = parseColor(value);
    return color && { kind: "solid", color };
  }
  const stops = value.stops.map((stop) => ({
    color: resolveColor(stop.color, params) ?? { r: 0, g: 0, b: 0, a: 0 },
    position: stop.position,
  }));
  return { kind: "linear", angle: value.angle, stops };
}

/** A text node's text with each `{{param}}` replaced by its value (empty when it has none). */
export function fillPlaceholders(text: string, params: ResolvedParams): string {
  return text.replace(placeholderPattern, (_match, name: string) => {
    const value = params.get(name);
    return typeof value === "string" ? value : "";
  });
}

export function drawnText(node: TextNode, params: ResolvedParams): string {
  const text = fillPlaceholders(node.text, params);
  // Not toLocaleUpperCase: the host's locale would decide ("i" → "İ" under Turkish), and the
  // same card must draw the same bytes on every machine.
  return node.transform === "uppercase" ? text.toUpperCase() : text;
}

/** The asset an image node draws: its param's value, or its literal source. */
export function imageAsset(
  node: ImageNode,
  params: ResolvedParams,
): { name: string; field: string } | undefined {
  const name = placeholderName(node.src);
  if (name === undefined) return { name: node.src, field: "src" };
  const value = params.get(name);
  return typeof value === "string" && value ? { name: value, field: `params.${name}` } : undefined;
}

const emptyBox: Rect = { x: 0, y: 0, width: 0, height: 0 };

/** The card's tree: nodes whose `if` param has no value are left out, with their children. */
export function instantiate(
  node: TemplateNode,
  params: ResolvedParams,
  path = "root",
): CardNode | undefined {
  if (node.if !== undefined && !isGiven(params.get(node.if))) return undefined;
  const base = {
    label: node.id ?? path,
    background:
      node.background === undefined ? undefined : resolveBackground(node.background, params),
    box: emptyBox,
  };
  switch (node.type) {
    case "stack": {
      const children = (node.children ?? [])
        .map((child, index) => instantiate(child, params, `${path}.children[${index}]`))
        .filter((child): child is CardNode => child !== undefined);
      return { ...base, kind: "stack", source: node, children };
    }
    case "text":
      return {
        ...base,
        kind: "text",
        source: node,
        text: drawnText(node, params),
        color:
          (node.color === undefined ? undefined : resolveColor(node.color, params)) ?? defaultInk,
      };
    case "image":
      return { ...base, kind: "image", source: node, asset: imageAsset(node, params) };
    case "shape":
      return {
        ...base,
        kind: "shape",
        source: node,
        fill: node.fill === undefined ? undefined : resolveBackground(node.fill, params),
        stroke: node.stroke === undefined ? undefined : resolveColor(node.stroke, params),
      };
  }
}

/** Every node of a card's tree, parents before children. */
export function* walk(node: CardNode): Generator<CardNode> {
  yield node;
  if (node.kind === "stack") for (const child of node.children) yield* walk(child);
}
