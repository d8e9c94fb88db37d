/** Hands formatted access log lines to LogTape's "tsproxy·access" category (buffered, off the data path). */
import { getLogger } from "@logtape/logtape";
import { type AccessFormat, accessFormats, type AccessRecord } from "./access.ts";

const logger = getLogger(["tsproxy", "access"]);

/** A function writing one line per record in `format`, or null when the format is "off". */
export function accessLogger(format: AccessFormat): ((record: AccessRecord) => void) | null {
  if (format === "off") return null;
  const render = accessFormats[format];
  return (record) => logger.info([render(record)] as unknown as TemplateStringsArray);
}
