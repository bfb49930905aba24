/**
 * What a bill of materials is built from: the facts Vouch collects about a model repository once
 * (scan, card, config, dependencies, digest), then renders as CycloneDX or SPDX 3. Every field says
 * where it comes from and when it is empty.
 */
import type { Package } from "../deps/types.js";

export interface BomFacts {
  /** The target as given (`hf://org/name@rev` or a folder). */
  target: string;
  /** When the BOM was made, ISO 8601 without milliseconds (from the clock: `--now`, SOURCE_DATE_EPOCH). */
  created: string;
  tool: { name: string; version: string };
  model: ModelFacts;
  /** Every file of the model, sorted by path. */
  files: FileFacts[];
  /** Datasets the card names (front matter `datasets`, and `model-index` evaluation sets), sorted by id. */
  datasets: DatasetFacts[];
  /** Base models from the card's `base_model`, in card order. */
  baseModels: string[];
  /** `base_model_relation` (adapter, merge, quantized, finetune), when the card says. */
  baseModelRelation?: string;
  /** Python (and conda) packages from the repository's requirements, pyproject and lock files. */
  packages: Package[];
}

export interface ModelFacts {
  /** The Hub repo id (`org/name`) for hf:// targets and cache snapshots, else the card's `model-index` name, else the folder's name. */
  name: string;
  /** The Hub repo id, when known (hf:// targets). */
  repoId?: string;
  /** The Hub commit the files are from, when known. */
  commit?: string;
  /** The revision asked for (`main` when none), for hf:// targets. */
  revision?: string;
  /** Root digest over every file, `sha256:<hex>` (same as `vouch digest`). */
  digest: string;
  licence?: LicenceFacts;
  /** `pipeline_tag` (text-generation, ...). */
  task?: string;
  /** `library_name`. */
  library?: string;
  languages: string[];
  /** config.json `model_type` (llama, bert, ...): the architecture family. */
  architectureFamily?: string;
  /** config.json `architectures[0]` (LlamaForCausalLM, ...). */
  architecture?: string;
  /** Parameters counted from safetensors / GGUF headers; absent when no weight header was read. */
  parameters?: number;
  /** Tensor dtypes seen in weight headers, sorted. */
  dtypes: string[];
  /** Metrics from the card's `model-index`. */
  metrics: MetricFacts[];
  /** README sections on intended use, limitations, bias, ethics (headings matched by name). */
  considerations: Considerations;
  /** `co2_eq_emissions` from the card, when declared (grams CO2-eq). */
  co2Grams?: number;
  /** True when README.md exists. */
  hasCard: boolean;
}

export interface LicenceFacts {
  /** The card's `license` as written. */
  id: string;
  /** Its SPDX id, when it has one (see provenance/license.ts). */
  spdx?: string;
  /** `license_name` / `license_link`, for `license: other` (and any non-SPDX licence). */
  name?: string;
  link?: string;
}

export interface MetricFacts {
  type: string;
  value: string;
  name?: string;
  /** The dataset it was measured on, and its split (`dataset/split`). */
  slice?: string;
}

export interface Considerations {
  useCases: string[];
  limitations: string[];
  ethical: string[];
}

export interface FileFacts {
  /** POSIX path relative to the model root. */
  path: string;
  size: number;
  /** Lower-case hex SHA-256 (from the scan's read pass). */
  sha256: string;
  /** Format detected from the content. */
  format: string;
  /** The scan verdict. */
  verdict: string;
}

export interface DatasetFacts {
  /** Hub dataset id or the name the card gives. */
  id: string;
  /** The revision, when the card pins one (`org/name@rev` or `model-index` `dataset.revision`). */
  revision?: string;
  /** `training` for front matter `datasets`, `evaluation` for `model-index` sets only. */
  use: "training" | "evaluation";
}
