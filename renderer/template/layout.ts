// Flexbox layout of a card's tree with yoga-layout: CSS names in, a box per node out; no yoga node outlives a card.
import {
  Align,
  Direction,
  Edge,
  FlexDirection,
  Gutter,
  Justify,
  loadYoga,
  PositionType,
  type MeasureFunction,
  type Node as YogaNode,
  type Yoga,
} from "yoga-layout/load";
import type { CardNode, CardText } from "./instance";
import { lengthOf, sidesOf, type LengthFrame } from "./lengths";
import type { StackNode, TemplateNode } from "./schema";

let loading: Promise<Yoga> | undefined;

/** The yoga instance, loaded (WebAssembly) once per process; a failed load is retried next time. */
export function layoutEngine(): Promise<Yoga> {
  loading ??= loadYoga().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

export interface LayoutFrame {
  width: number;
  height: number;
  /** Template px → card px. */
  unit: number;
  /** Device pixels per logical px: yoga rounds edges to them. */
  scale: number;
  direction: "ltr" | "rtl";
}

const physicalEdges = [Edge.Top, Edge.Right, Edge.Bottom, Edge.Left] as const;

const alignments = {
  start: Align.FlexStart,
  center: Align.Center,
  end: Align.FlexEnd,
  stretch: Align.Stretch,
} as const;

const justifications = {
  start: Justify.FlexStart,
  center: Justify.Center,
  end: Justify.FlexEnd,
  "space-between": Justify.SpaceBetween,
} as const;

/**
 * The properties every node has: size, flex, margin, position. Only what the template sets is
 * passed to yoga (each setter crosses into WebAssembly; a new node has yoga's defaults).
 */
function applyBox(yogaNode: YogaNode, node: TemplateNode, frame: LengthFrame): void {
  if (node.width !== undefined) yogaNode.setWidth(lengthOf(node.width, frame));
  if (node.height !== undefined) yogaNode.setHeight(lengthOf(node.height, frame));
  if (node.minWidth !== undefined) yogaNode.setMinWidth(lengthOf(node.minWidth, frame));
  if (node.maxWidth !== undefined) yogaNode.setMaxWidth(lengthOf(node.maxWidth, frame));
  if (node.minHeight !== undefined) yogaNode.setMinHeight(lengthOf(node.minHeight, frame));
  if (node.maxHeight !== undefined) yogaNode.setMaxHeight(lengthOf(node.maxHeight, frame));
  if (node.grow !== undefined) yogaNode.setFlexGrow(node.grow);
  // CSS's default (yoga's is 0): content larger than its container shrinks to fit it.
  yogaNode.setFlexShrink(node.shrink ?? 1);
  const margin = sidesOf(node.margin, frame);
  if (margin) physicalEdges.forEach((edge, index) => yogaNode.setMargin(edge, margin[index]));
  if (node.position === "absolute") yogaNode.setPositionType(PositionType.Absolute);
  const offsets = [node.top, node.right, node.bottom, node.left];
  physicalEdges.forEach((edge, index) => {
    const offset = offsets[index];
    if (offset !== undefined) yogaNode.setPosition(edge, lengthOf(offset, frame));
  });
}

const flexDirections = {
  row: FlexDirection.Row,
  column: FlexDirection.Column,
  "row-reverse": FlexDirection.RowReverse,
  "column-reverse": FlexDirection.ColumnReverse,
} as const;

function applyStack(yogaNode: YogaNode, node: StackNode, frame: LengthFrame): void {
  // Yoga's defaults are CSS's here: column, align stretch, justify start.
  if (node.direction !== undefined) yogaNode.setFlexDirection(flexDirections[node.direction]);
  if (node.gap !== undefined) yogaNode.setGap(Gutter.All, node.gap * frame.unit);
  const padding = sidesOf(node.padding, frame);
  if (padding) physicalEdges.forEach((edge, index) => yogaNode.setPadding(edge, padding[index]));
  if (node.align !== undefined) yogaNode.setAlignItems(alignments[node.align]);
  if (node.justify !== undefined) yogaNode.setJustifyContent(justifications[node.justify]);
}

function build(
  yoga: Yoga,
  node: CardNode,
  frame: LayoutFrame,
  measureOf: (node: CardText) => MeasureFunction,
  config: ReturnType<Yoga["Config"]["create"]>,
  textNodes: Map<CardNode, YogaNode>,
): YogaNode {
  const yogaNode = yoga.Node.create(config);
  applyBox(yogaNode, node.source, frame);
  if (node.kind === "stack") {
    applyStack(yogaNode, node.source, frame);
    node.children.forEach((child, index) =>
      yogaNode.insertChild(build(yoga, child, frame, measureOf, config, textNodes), index),
    );
  } else if (node.kind === "text") {
    yogaNode.setMeasureFunc(measureOf(node));
    textNodes.set(node, yogaNode);
  }
  return yogaNode;
}

/** Reads each node's computed box back, in card px from the card's top left. */
function readBoxes(node: CardNode, yogaNode: YogaNode, originX: number, originY: number): void {
  const layout = yogaNode.getComputedLayout();
  node.box = {
    x: originX + layout.left,
    y: originY + layout.top,
    width: layout.width,
    height: layout.height,
  };
  if (node.kind !== "stack") return;
  node.children.forEach((child, index) =>
    readBoxes(child, yogaNode.getChild(index), node.box.x, node.box.y),
  );
}

/**
 * Lays the tree out in a `frame.width` × `frame.height` card and sets every node's `box`. Text
 * nodes are measured by `measureOf(node)`. RTL cards lay rows out from the right, and `start`/`end`
 * alignments follow, as CSS does under `direction: rtl`. After the first layout, `remeasure`
 * names the text nodes whose measure changed (given their boxes): the same tree is laid out again.
 */
export function layoutTree(
  yoga: Yoga,
  root: CardNode,
  frame: LayoutFrame,
  measureOf: (node: CardText) => MeasureFunction,
  remeasure: () => readonly CardNode[] = () => [],
): void {
  const config = yoga.Config.create();
  // Edges land on device pixels (text boxes round up), so fills meet without seams.
  config.setPointScaleFactor(frame.scale);
  const direction = frame.direction === "rtl" ? Direction.RTL : Direction.LTR;
  const textNodes = new Map<CardNode, YogaNode>();
  let yogaRoot: YogaNode | undefined;
  try {
    yogaRoot = build(yoga, root, frame, measureOf, config, textNodes);
    yogaRoot.calculateLayout(frame.width, frame.height, direction);
    readBoxes(root, yogaRoot, 0, 0);
    const changed = remeasure();
    if (changed.length) {
      for (const node of changed) textNodes.get(node)?.markDirty();
      yogaRoot.calculateLayout(frame.width, frame.height, direction);
      readBoxes(root, yogaRoot, 0, 0);
    }
  } finally {
    // Yoga nodes live in WebAssembly memory: freed here, or every card would leak its tree.
    yogaRoot?.freeRecursive();
    config.free();
  }
}
