/**
 * Installed packages: `site-packages/<name>-<version>.dist-info/METADATA`, the core metadata that
 * pip writes for every installed distribution. `Name` and `Version` are read from its header block
 * (RFC 822 style, ending at the first blank line). What is installed is exact: always resolved.
 */
import { makePackage } from "../package.js";
import { guarded, malformed, readText } from "../read.js";
import type { Extractor } from "../types.js";

export const distInfoExtractor: Extractor = {
  id: "python/dist-info",
  matches: (path) => /(^|\/)[^/]+\.dist-info\/METADATA$/.test(path),
  extract: (input) =>
    guarded(input, async () => {
      const text = await readText(input);
      const header = text.split(/\r?\n\r?\n/, 1)[0]!;
      const field = (key: string) => new RegExp(`^${key}:[ \\t]*(.+?)[ \\t]*$`, "mi").exec(header)?.[1];
      const name = field("Name");
      const version = field("Version");
      if (name === undefined || version === undefined) throw malformed(input, "has no Name or Version field");
      return { packages: [makePackage({ ecosystem: "PyPI", name, version, source: { path: input.path, extractor: distInfoExtractor.id } })], problems: [] };
    }),
};
