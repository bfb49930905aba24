/**
 * The SARIF `artifacts` table. Every scanned file is a top-level artifact, addressed relative to
 * `%SRCROOT%`. A finding inside an archive member is located in a nested artifact (SARIF §3.24.3):
 * the member gets its own entry whose `parentIndex` points at its container, and whose `uri` is the
 * member path inside that container, without a `uriBaseId` (§3.4.4). A member of a member (a pickle
 * inside a zip inside a tar) becomes a chain of such entries, one per container level, so the table
 * mirrors the archive structure.
 *
 * The member `uri` is a relative-path reference with no leading "/". §3.24.2 still shows nested paths
 * beginning with "/", but erratum 01 (sarif-spec issue 480, now §3.4.3) forbids a leading slash on
 * relative references, and the SARIF Multitool validator reports one as an error (SARIF1004). A
 * member whose own name starts with "/" (an absolute zip or tar entry) keeps that slash
 * percent-encoded, so `/etc/passwd` and `etc/passwd` stay distinct members.
 *
 * Only members that carry findings (and their containers) are listed: a checkpoint can hold tens of
 * thousands of members, and listing the clean ones would bloat the log without helping anyone.
 */
import type { ArtifactReport, MemberReport } from "../core/types.js";
import type { SarifArtifact, SarifArtifactLocation } from "./sarif-types.js";

/** The base id consumers resolve to the directory the scan's relative paths start from. */
export const SRCROOT = "%SRCROOT%";

/** One level of a member path, resolved against the artifact's member tree where possible. */
export interface MemberStep {
  /** The member's path inside its immediate container. */
  path: string;
  /** Uncompressed size, when the member tree knows it. */
  size?: number;
  /** Detected format, when the member tree knows it. */
  format?: string;
}

export class ArtifactTable {
  readonly artifacts: SarifArtifact[] = [];
  private readonly topLevel = new Map<string, number>();
  /** Nested entries keyed by parent index and member path, so each member is listed once. */
  private readonly nested = new Map<string, number>();

  /** Adds a scanned file (idempotent) and returns its index. */
  addTopLevel(artifact: ArtifactReport): number {
    const known = this.topLevel.get(artifact.path);
    if (known !== undefined) return known;
    const index = this.push({
      location: topLevelLocation(artifact.path),
      length: artifact.size,
      roles: ["analysisTarget"],
      ...(artifact.sha256 ? { hashes: { "sha-256": artifact.sha256 } } : {}),
      properties: { format: artifact.format, verdict: artifact.verdict, complete: artifact.complete },
    });
    this.topLevel.set(artifact.path, index);
    return index;
  }

  /**
   * Returns the index of the nested artifact for `member` (a `/`-joined member path, outermost first)
   * inside `artifact`, adding it and every container between it and the file.
   */
  addMember(artifact: ArtifactReport, member: string): number {
    let parent = this.addTopLevel(artifact);
    for (const step of memberChain(member, artifact.members)) {
      const key = `${parent}\u0000${step.path}`;
      const known = this.nested.get(key);
      parent = known ?? this.push(nestedArtifact(step, parent));
      if (known === undefined) this.nested.set(key, parent);
    }
    return parent;
  }

  /** The artifact location a result uses to point at entry `index`. */
  locationOf(index: number): SarifArtifactLocation {
    const location = this.artifacts[index]?.location;
    return { ...(location ?? {}), index };
  }

  private push(entry: SarifArtifact): number {
    this.artifacts.push(entry);
    return this.artifacts.length - 1;
  }
}

function nestedArtifact(step: MemberStep, parentIndex: number): SarifArtifact {
  return {
    location: { uri: encodePath(step.path) },
    parentIndex,
    ...(step.size !== undefined ? { length: step.size } : {}),
    // The raw name, because URI consumers fold `..` segments and decode escapes.
    properties: { member: step.path, ...(step.format !== undefined ? { format: step.format } : {}) },
  };
}

/** Relative paths are resolved against %SRCROOT%; an absolute path (a target given as one) is a file: URI. */
function topLevelLocation(path: string): SarifArtifactLocation {
  if (path.startsWith("/")) return { uri: `file://${encodeSegments(path)}` };
  return { uri: encodePath(path), uriBaseId: SRCROOT };
}

/**
 * Splits a member path into one step per container level. Member names may themselves contain "/"
 * (`archive/data.pkl` is one zip member), so the split follows the artifact's member tree: at each
 * level the longest member name that is a prefix of what is left wins. What the tree does not
 * describe stays one step, so a report without a member tree still yields a valid location.
 */
export function memberChain(member: string, members: readonly MemberReport[] | undefined): MemberStep[] {
  const chain: MemberStep[] = [];
  let rest = member;
  let level = members;
  while (rest !== "") {
    const found = longestPrefixMember(rest, level);
    if (!found) {
      chain.push({ path: rest });
      break;
    }
    chain.push({ path: found.path, size: found.size, format: found.format });
    rest = rest.slice(found.path.length + 1);
    level = found.members;
  }
  return chain;
}

const byPathCache = new WeakMap<readonly MemberReport[], Map<string, MemberReport>>();

/** The member whose path is the longest "/"-bounded prefix of `rest`; one map lookup per segment. */
function longestPrefixMember(rest: string, level: readonly MemberReport[] | undefined): MemberReport | undefined {
  if (!level || level.length === 0) return undefined;
  const byPath = membersByPath(level);
  for (let end = rest.length; end > 0; end = rest.lastIndexOf("/", end - 1)) {
    const candidate = byPath.get(rest.slice(0, end));
    if (candidate) return candidate;
  }
  return undefined;
}

function membersByPath(level: readonly MemberReport[]): Map<string, MemberReport> {
  let map = byPathCache.get(level);
  if (!map) {
    map = new Map();
    // First wins: a duplicate name (possible in zip) resolves to the member listed first.
    for (const m of level) if (m.path !== "" && !map.has(m.path)) map.set(m.path, m);
    byPathCache.set(level, map);
  }
  return map;
}

/**
 * A POSIX path as a relative-path reference (RFC 3986 §4.2): each segment percent-encoded so any file
 * name is valid (spaces, `#`, `%`, `?`, `:`, non-ASCII), and a leading "/" encoded as `%2F` so the
 * reference never turns into an absolute-path or network-path one.
 */
export function encodePath(path: string): string {
  const encoded = encodeSegments(path);
  return encoded.startsWith("/") ? `%2F${encoded.slice(1)}` : encoded;
}

function encodeSegments(path: string): string {
  return path.split("/").map(encodeSegment).join("/");
}

/** Characters legal in a path segment are put back so common names stay readable; `:` stays encoded. */
const READABLE = /%(40|2B|2C|3D|24|26|3B)/g;

function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(READABLE, (escape) => decodeURIComponent(escape));
}
