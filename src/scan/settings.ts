/**
 * What a scan may do and how far it may go. Built from defaults, vouch.yaml and flags (in that order
 * of precedence, flags last), never from anything inside the scanned target.
 */

export interface Budgets {
  /** Maximum container nesting (zip in tar in gzip ...). */
  maxDepth: number;
  /** Maximum members read from one container. */
  maxMembers: number;
  /** Maximum total bytes expanded from compressed streams per artifact. */
  maxExpandedBytes: number;
  /** Maximum expansion ratio (expanded / compressed) before a stream counts as a bomb (past 1 MiB). */
  maxRatio: number;
  /** Maximum memo entries tracked per pickle. */
  pickleMemoEntries: number;
  /** Maximum bytes of values tracked in the memo and on the stack per pickle. */
  pickleValueBytes: number;
  /** Maximum stack depth (items on the pickle stack plus mark depth). */
  pickleStackDepth: number;
  /** Maximum pickle nesting (pickles inside strings inside pickles). */
  pickleNesting: number;
  /** Maximum bytes of a string argument inspected for nested pickles. */
  nestedPickleBytes: number;
  /** Wall-clock seconds per artifact before the scan gives up (fails closed). */
  artifactSeconds: number;
}

export interface ScanSettings {
  /** Narrow the pickle allowlist to weights only (torch tensors, numpy arrays, plain containers). */
  strict: boolean;
  /** Compute each artifact's SHA-256 (on by default; off with --no-digest). */
  digest: boolean;
  /** Extra allowlisted pickle globals (`module.name` or `module.*`). */
  pickleAllow: string[];
  /** Extra denylisted pickle globals (`module.name` or `module.*`): critical when imported. */
  pickleDeny: string[];
  budgets: Budgets;
}

export const DEFAULT_BUDGETS: Budgets = {
  maxDepth: 8,
  maxMembers: 100_000,
  maxExpandedBytes: 64 * 1024 ** 3,
  maxRatio: 1000,
  pickleMemoEntries: 20_000_000,
  pickleValueBytes: 256 * 1024 * 1024,
  pickleStackDepth: 1_000_000,
  pickleNesting: 4,
  nestedPickleBytes: 64 * 1024 * 1024,
  artifactSeconds: 600,
};

export function defaultSettings(overrides: Partial<ScanSettings> = {}): ScanSettings {
  return {
    strict: false,
    digest: true,
    pickleAllow: [],
    pickleDeny: [],
    ...overrides,
    budgets: { ...DEFAULT_BUDGETS, ...(overrides.budgets ?? {}) },
  };
}
