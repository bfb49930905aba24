/**
 * The legacy PyTorch tar format: what the earliest `torch.save` (before 0.1.10) wrote, a tar with the
 * members `sys_info`, `pickle`, `storages` and `tensors`. `torch.load` still reads it (`legacy_load`). The members are pickles (followed by raw storage bytes), so they are scanned by
 * sniffing like any member; the layout only decides the reported format.
 */

export const LEGACY_TORCH_MEMBERS = ["sys_info", "pickle", "storages", "tensors"] as const;

/** True when the archive's top-level member names include all four legacy members (`./` prefixes ignored). */
export function isPytorchLegacyTar(names: Iterable<string>): boolean {
  const top = new Set<string>();
  for (const name of names) top.add(name.replace(/^(\.\/)+/, ""));
  return LEGACY_TORCH_MEMBERS.every((m) => top.has(m));
}
