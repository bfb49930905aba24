/**
 * Licence ids as model cards write them. The Hub accepts a fixed list of ids
 * (https://huggingface.co/docs/hub/repositories-licenses): mostly SPDX ids in lower case, a few that
 * SPDX spells differently or has deprecated, and model licences SPDX does not list (OpenRAIL, Llama,
 * Gemma). Each is mapped here to its SPDX id, when it has one, and to what it says about commercial use.
 * The table is curated by hand from the SPDX list (3.0.24) and the licences' texts.
 */

/** What a licence says about commercial use. */
export type CommercialUse =
  /** Permitted (possibly with attribution or copyleft duties). */
  | "allowed"
  /** Permitted, but with use-based restrictions or conditions that need a legal read (RAIL, Llama, Gemma). */
  | "restricted"
  /** Not permitted: non-commercial or research-only. */
  | "forbidden"
  /** Not known from the id alone (`other`, `unknown`, an id not in the table). */
  | "unknown";

export interface LicenseInfo {
  /** The id as written in the card. */
  id: string;
  /** The SPDX identifier, when the licence has a current one. */
  spdx?: string;
  commercial: CommercialUse;
  /** Why it is not SPDX or what its restriction is, for the report. */
  note?: string;
}

/** Hub ids whose SPDX spelling differs, or whose SPDX id was deprecated in favour of `-only`. */
const SPDX_RENAMED: Record<string, string> = {
  "c-uda": "C-UDA-1.0",
  "odc-by": "ODC-By-1.0",
  odbl: "ODbL-1.0",
  pddl: "PDDL-1.0",
  "lgpl-lr": "LGPLLR",
  "agpl-3.0": "AGPL-3.0-only",
  "gpl-2.0": "GPL-2.0-only",
  "gpl-3.0": "GPL-3.0-only",
  "lgpl-2.1": "LGPL-2.1-only",
  "lgpl-3.0": "LGPL-3.0-only",
};

/** Hub ids that are SPDX ids in lower case, with SPDX's capitalisation. */
const SPDX_IDS = [
  "Apache-2.0", "MIT", "AFL-3.0", "Artistic-2.0", "BSL-1.0", "BSD-2-Clause", "BSD-3-Clause", "BSD-3-Clause-Clear",
  "CC0-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-3.0", "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC-BY-ND-4.0",
  "CC-BY-NC-2.0", "CC-BY-NC-3.0", "CC-BY-NC-4.0", "CC-BY-NC-ND-3.0", "CC-BY-NC-ND-4.0", "CC-BY-NC-SA-2.0",
  "CC-BY-NC-SA-3.0", "CC-BY-NC-SA-4.0", "CDLA-Sharing-1.0", "CDLA-Permissive-1.0", "CDLA-Permissive-2.0", "WTFPL",
  "ECL-2.0", "EPL-1.0", "EPL-2.0", "etalab-2.0", "EUPL-1.1", "EUPL-1.2", "ISC", "LPPL-1.3c", "MS-PL", "MPL-2.0",
  "OpenMDW-1.0", "OSL-3.0", "PostgreSQL", "OFL-1.1", "NCSA", "Unlicense", "Zlib",
  // SPDX's own current spellings, for cards written outside the Hub
  "AGPL-3.0-only", "AGPL-3.0-or-later", "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later",
  "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later", "C-UDA-1.0", "ODC-By-1.0", "ODbL-1.0",
  "PDDL-1.0", "LGPLLR",
];
const SPDX_BY_LOWER = new Map(SPDX_IDS.map((id) => [id.toLowerCase(), id]));

/** Hub ids with no SPDX id, and what they mean for commercial use. */
const NON_SPDX: Record<string, { commercial: CommercialUse; note: string }> = {
  openrail: { commercial: "restricted", note: "Open RAIL: use-based restrictions" },
  "openrail++": { commercial: "restricted", note: "Open RAIL++-M: use-based restrictions" },
  "bigscience-openrail-m": { commercial: "restricted", note: "BigScience Open RAIL-M: use-based restrictions" },
  "creativeml-openrail-m": { commercial: "restricted", note: "CreativeML Open RAIL-M: use-based restrictions" },
  "bigscience-bloom-rail-1.0": { commercial: "restricted", note: "BigScience BLOOM RAIL 1.0: use-based restrictions" },
  "bigcode-openrail-m": { commercial: "restricted", note: "BigCode Open RAIL-M: use-based restrictions" },
  llama2: { commercial: "restricted", note: "Llama 2 Community License: acceptable use policy, a licence needed above 700M monthly users" },
  llama3: { commercial: "restricted", note: "Llama 3 Community License: acceptable use policy, a licence needed above 700M monthly users" },
  "llama3.1": { commercial: "restricted", note: "Llama 3.1 Community License: acceptable use policy, a licence needed above 700M monthly users" },
  "llama3.2": { commercial: "restricted", note: "Llama 3.2 Community License: acceptable use policy, a licence needed above 700M monthly users" },
  "llama3.3": { commercial: "restricted", note: "Llama 3.3 Community License: acceptable use policy, a licence needed above 700M monthly users" },
  llama4: { commercial: "restricted", note: "Llama 4 Community License: acceptable use policy, a licence needed above 700M monthly users" },
  gemma: { commercial: "restricted", note: "Gemma Terms of Use: prohibited use policy" },
  "apple-ascl": { commercial: "allowed", note: "Apple Sample Code License" },
  "apple-amlr": { commercial: "forbidden", note: "Apple Machine Learning Research Model License: research only" },
  "deepfloyd-if-license": { commercial: "forbidden", note: "DeepFloyd IF License: non-commercial research only" },
  "fair-noncommercial-research-license": { commercial: "forbidden", note: "FAIR Noncommercial Research License" },
  "h-research": { commercial: "forbidden", note: "H Research License: research only" },
  "intel-research": { commercial: "forbidden", note: "Intel Research Use License: research only" },
  bsd: { commercial: "allowed", note: "BSD without a clause count is ambiguous" },
  cc: { commercial: "unknown", note: "Creative Commons without a variant is ambiguous" },
  gfdl: { commercial: "allowed", note: "GFDL without a version is ambiguous" },
  gpl: { commercial: "allowed", note: "GPL without a version is ambiguous" },
  lgpl: { commercial: "allowed", note: "LGPL without a version is ambiguous" },
  other: { commercial: "unknown", note: "a custom licence (see license_name and license_link)" },
  unknown: { commercial: "unknown", note: "the author does not know the licence" },
};

/** What the card's licence id means. */
export function classifyLicense(id: string): LicenseInfo {
  const lower = id.trim().toLowerCase();
  const spdx = SPDX_RENAMED[lower] ?? SPDX_BY_LOWER.get(lower);
  if (spdx !== undefined) return { id, spdx, commercial: /^CC-BY-NC/.test(spdx) ? "forbidden" : "allowed" };
  const known = NON_SPDX[lower];
  if (known !== undefined) return { id, commercial: known.commercial, note: known.note };
  return { id, commercial: "unknown", note: "not a licence id the Hub or SPDX knows" };
}
