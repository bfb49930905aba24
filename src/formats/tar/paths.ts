/**
 * Where an archive member would land on extraction. Names are archive paths (`/`-separated; `\` also
 * counts as a separator because Windows extractors treat it as one). A member escapes the archive when
 * extracting it writes outside the target folder: an absolute name, a `..` segment, a link whose target
 * leaves the folder, or a name that passes through such a link (`lnk -> /etc`, then `lnk/passwd`).
 * Shared by the tar and 7z handlers.
 */

/** Symbolic links followed while resolving one name before giving up (a loop is not an escape). */
const MAX_LINK_HOPS = 40;

/** True for `/x`, `\x` and drive-qualified names (`C:x`, `C:\x`): they ignore the target folder. */
export function isAbsoluteName(name: string): boolean {
  return /^([/\\]|[A-Za-z]:)/.test(name);
}

function segments(name: string): string[] {
  return name.split(/[/\\]/).filter((s) => s !== "" && s !== ".");
}

/**
 * True when a member name is absolute or has a `..` segment. Stricter than resolving the path
 * (`a/../b` stays inside): archivers never write `..` into names, so any such segment was put there.
 */
export function nameEscapes(name: string): boolean {
  return isAbsoluteName(name) || name.split(/[/\\]/).includes("..");
}

/**
 * Tracks the symbolic links seen so far in an archive, so that later names and link targets can be
 * resolved through them the way an extractor that creates the links would.
 */
export class LinkTracker {
  /** Link name (normalised segments joined with `/`) -> target as stored. */
  private readonly links = new Map<string, string>();

  /** Records a symbolic link entry. A later entry of the same name replaces it, as on extraction. */
  addSymlink(name: string, target: string): void {
    this.links.set(segments(name).join("/"), target);
  }

  /** Forgets a link overwritten by a regular entry of the same name. */
  replaceWithFile(name: string): void {
    this.links.delete(segments(name).join("/"));
  }

  /** True when the symbolic link `name -> target` points outside the archive folder. */
  symlinkEscapes(name: string, target: string): boolean {
    if (isAbsoluteName(target)) return true;
    const parent = segments(name).slice(0, -1);
    return this.resolve([...parent, ...target.split(/[/\\]/)]) === "escapes";
  }

  /** True when a hard link's target (an archive path, not relative to the link) is outside the folder. */
  hardlinkEscapes(target: string): boolean {
    return isAbsoluteName(target) || this.resolve(target.split(/[/\\]/)) === "escapes";
  }

  /**
   * True when writing `name` would pass through a previously recorded link that leads outside the
   * folder (the name itself is plain). Only the parent folders matter: the entry replaces a link of
   * its own name rather than writing through it.
   */
  writesThroughLink(name: string): boolean {
    const parts = segments(name);
    return parts.length > 1 && this.links.size > 0 && this.resolve(parts.slice(0, -1)) === "escapes";
  }

  /**
   * Walks `parts` from the archive root, substituting recorded links as they are met. Returns
   * "escapes" when the walk leaves the root, "inside" when it ends inside (or the links loop).
   */
  private resolve(parts: string[]): "escapes" | "inside" {
    const queue = parts.filter((s) => s !== "" && s !== ".");
    const at: string[] = [];
    let hops = 0;
    while (queue.length > 0) {
      const part = queue.shift()!;
      if (part === "." || part === "") continue;
      if (part === "..") {
        if (at.length === 0) return "escapes";
        at.pop();
        continue;
      }
      at.push(part);
      const target = this.links.get(at.join("/"));
      if (target === undefined) continue;
      if (++hops > MAX_LINK_HOPS) return "inside";
      if (isAbsoluteName(target)) return "escapes";
      at.pop();
      queue.unshift(...target.split(/[/\\]/));
    }
    return "inside";
  }
}
