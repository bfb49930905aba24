/**
 * Names that imitate well-known ones: `meta-Ilama/Llama-3-8B` (a capital I for an l), `mistral-ai`
 * for `mistralai`, `bert-base-uncassed`. A small curated list of organisations and repositories that
 * attackers imitate, and two tests against it: the same "skeleton" after folding look-alike
 * characters (confusables), or a small edit distance (typos). Exact matches, in any case, are the
 * real thing: organisation names on the Hub are unique regardless of case.
 */

/** Organisations whose names are worth imitating. */
export const WELL_KNOWN_ORGS: readonly string[] = [
  "meta-llama", "facebook", "FacebookAI", "google", "google-bert", "google-t5", "microsoft", "openai", "openai-community",
  "mistralai", "Qwen", "deepseek-ai", "tiiuae", "bigscience", "EleutherAI", "stabilityai", "huggingface",
  "HuggingFaceH4", "HuggingFaceTB", "HuggingFaceM4", "nvidia", "apple", "amazon", "ibm-granite", "allenai",
  "sentence-transformers", "intfloat", "BAAI", "THUDM", "01-ai", "CohereForAI", "CohereLabs", "databricks", "mosaicml",
  "bigcode", "distilbert", "laion", "runwayml", "stable-diffusion-v1-5", "black-forest-labs", "Salesforce",
  "cardiffnlp", "unsloth", "TheBloke", "lmsys", "NousResearch", "xai-org", "moonshotai", "ggml-org", "nomic-ai",
  "jinaai", "Alibaba-NLP", "openbmb", "internlm", "llava-hf", "timm", "pyannote", "Snowflake", "upstage",
  "ai21labs", "lmstudio-community", "bartowski", "mlx-community", "CompVis", "openai-whisper",
];

/** Repositories whose names are worth imitating (owner/name). */
export const WELL_KNOWN_REPOS: readonly string[] = [
  "meta-llama/Llama-2-7b-hf", "meta-llama/Llama-2-7b-chat-hf", "meta-llama/Meta-Llama-3-8B", "meta-llama/Meta-Llama-3-8B-Instruct",
  "meta-llama/Llama-3.1-8B-Instruct", "meta-llama/Llama-3.2-1B", "meta-llama/Llama-3.3-70B-Instruct",
  "mistralai/Mistral-7B-v0.1", "mistralai/Mistral-7B-Instruct-v0.2", "mistralai/Mixtral-8x7B-Instruct-v0.1",
  "google/gemma-2b", "google/gemma-7b", "google/gemma-2-9b-it", "google-bert/bert-base-uncased", "google-t5/t5-base",
  "openai-community/gpt2", "openai/whisper-large-v3", "openai/clip-vit-base-patch32", "FacebookAI/roberta-base",
  "facebook/bart-large-cnn", "sentence-transformers/all-MiniLM-L6-v2", "sentence-transformers/all-mpnet-base-v2",
  "microsoft/phi-2", "microsoft/Phi-3-mini-4k-instruct", "Qwen/Qwen2.5-7B-Instruct", "deepseek-ai/DeepSeek-R1",
  "deepseek-ai/DeepSeek-V3", "tiiuae/falcon-7b", "bigscience/bloom", "stabilityai/stable-diffusion-xl-base-1.0",
  "black-forest-labs/FLUX.1-dev", "distilbert/distilbert-base-uncased", "BAAI/bge-large-en-v1.5",
];

/** A name too close to a well-known one. */
export interface LookAlike {
  /** What was checked (`org` or `org/name`). */
  name: string;
  /** The well-known name it imitates. */
  imitates: string;
  /** `confusable`: the same after folding look-alike characters; `typo`: a small edit away. */
  kind: "confusable" | "typo";
}

/** Checks a repository id's organisation and name against the lists. */
export function lookAlikes(repoId: string): LookAlike[] {
  const [org, name = ""] = repoId.split("/");
  const out: LookAlike[] = [];
  const orgHit = closeTo(org, WELL_KNOWN_ORGS);
  if (orgHit) out.push({ name: org, imitates: orgHit.target, kind: orgHit.kind });
  // A well-known repository name under any owner but its own is normal (fine-tunes, quantisations
  // keep the name); a near miss of it is not.
  const knownNames = WELL_KNOWN_REPOS.map((r) => r.split("/")[1]);
  if (!knownNames.some((n) => n.toLowerCase() === name.toLowerCase())) {
    const nameHit = closeTo(name, knownNames);
    if (nameHit) out.push({ name: repoId, imitates: WELL_KNOWN_REPOS.find((r) => r.endsWith(`/${nameHit.target}`))!, kind: nameHit.kind });
  }
  return out;
}

function closeTo(name: string, known: readonly string[]): { target: string; kind: LookAlike["kind"] } | undefined {
  const lower = name.toLowerCase();
  if (known.some((k) => k.toLowerCase() === lower)) return undefined; // the real one
  const skel = skeleton(name);
  for (const k of known) if (skeleton(k) === skel) return { target: k, kind: "confusable" };
  for (const k of known) {
    const limit = typoLimit(k);
    if (limit > 0 && editDistance(lower, k.toLowerCase()) <= limit) return { target: k, kind: "typo" };
  }
  return undefined;
}

/** Short names differ legitimately by one character (`gpt2`, `gpt3`); longer ones rarely do. */
function typoLimit(name: string): number {
  if (name.length <= 5) return 0;
  return name.length <= 10 ? 1 : 2;
}

/**
 * Folds characters that look alike, and separators, so `meta-Ilama`, `meta_llama` and `rneta-llama`
 * all become `metallama`. Unicode look-alikes from other scripts are folded by NFKC plus a small
 * table of Cyrillic and Greek letters that NFKC keeps.
 */
export function skeleton(name: string): string {
  let s = name.normalize("NFKC");
  s = [...s].map((c) => HOMOGLYPHS[c] ?? c).join("").toLowerCase();
  return s
    .replace(/[-_.\s]/g, "")
    .replace(/rn/g, "m")
    .replace(/vv/g, "w")
    .replace(/[il1|]/g, "l")
    .replace(/0/g, "o")
    .replace(/5/g, "s");
}

const HOMOGLYPHS: Record<string, string> = {
  а: "a", е: "e", о: "o", р: "p", с: "c", х: "x", у: "y", і: "i", ј: "j", ӏ: "l", ѕ: "s", һ: "h", ԁ: "d", ԛ: "q", ԝ: "w",
  А: "A", В: "B", Е: "E", К: "K", М: "M", Н: "H", О: "O", Р: "P", С: "C", Т: "T", Х: "X", І: "I",
  α: "a", ο: "o", ρ: "p", ν: "v", Α: "A", Β: "B", Ε: "E", Ι: "I", Κ: "K", Μ: "M", Ν: "N", Ο: "O", Ρ: "P", Τ: "T", Χ: "X",
};

/** Damerau-Levenshtein distance (optimal string alignment): a swap of neighbours is one typo. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
