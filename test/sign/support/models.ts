/** Throwaway model folders for the signing tests, removed by `cleanup()`. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const made: string[] = [];

export function tempDir(prefix = "vouch-sign-"): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

/** A folder holding `files` (relative path -> content) inside a fresh temp folder, named `name`. */
export function modelDir(files: Record<string, string | Uint8Array>, name = "model"): string {
  const dir = join(tempDir(), name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A small model like a Hugging Face checkout: weights, config, tokenizer in a folder, git files. */
export function sampleModel(): string {
  return modelDir({
    "model.safetensors": Buffer.alloc(3000, 7),
    "config.json": '{"model_type": "tiny"}\n',
    "tokenizer/vocab.txt": "a\nb\nc\n",
    "README.md": "# tiny\n",
    ".gitattributes": "*.safetensors filter=lfs\n",
    ".git/HEAD": "ref: refs/heads/main\n",
  });
}

export function cleanup(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}
