/** Maps a config path to its line in the YAML/JSON document, for error messages. */
import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node } from "yaml";
import type { ConfigPath } from "./errors.ts";

/** Finds the line of a path; `key` asks for the line of the key itself (e.g. an unknown key). */
export type Locator = (path: ConfigPath, options?: { key?: boolean }) => number | undefined;

/**
 * A locator for one parsed document. A path that does not exist in the document (a missing
 * field) resolves to the key of the deepest part that does, so the error points at the
 * enclosing object.
 */
export function locator(doc: Document, lines: LineCounter): Locator {
  const lineOf = (node: Node | null | undefined) =>
    node?.range ? lines.linePos(node.range[0]).line : undefined;
  return (path, options) => {
    let node: Node | null | undefined = doc.contents;
    let keyNode: Node | null | undefined;
    let found = 0;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) =>
          isScalar(p.key) ? String(p.key.value) === String(segment) : false
        );
        if (!pair) break;
        keyNode = pair.key as Node;
        node = pair.value as Node | null;
        if (node === null) node = keyNode;
      } else if (isSeq(node) && typeof segment === "number") {
        const item = node.items[segment];
        if (item === undefined) break;
        keyNode = undefined;
        node = item as Node;
      } else break;
      found++;
    }
    const preferKey = options?.key === true || found < path.length;
    return (preferKey ? lineOf(keyNode) : undefined) ?? lineOf(node);
  };
}
