/**
 * Severity of an advisory: CVSS vectors scored with FIRST's formulas (through ae-cvss-calculator:
 * v2, v3.0, v3.1 and v4.0 base scores), else the database's own word (GHSA's `MODERATE`), else
 * unknown. Unknown counts as `high` for gating, because most records carry no severity at all and
 * an audit that passes them would pass almost everything: fail closed.
 */
import cvss from "ae-cvss-calculator";
import type { Severity } from "../../core/types.js";
import type { SeverityStatement } from "../types.js";

/** The level an advisory without any severity gets: fail closed. */
export const UNKNOWN_SEVERITY_LEVEL: Severity = "high";

export interface CvssScore {
  /** 2, 3 or 4 (3.0 and 3.1 are both 3). */
  version: number;
  score: number;
  level: Severity;
  vector: string;
}

// The calculator scores whatever metrics it is given; these check that the vector is complete and
// well-formed first, so a truncated vector is reported as unscored rather than scored on defaults.
const V2 = /^(?:\(?)AV:[LAN]\/AC:[HML]\/Au:[MSN]\/C:[NPC]\/I:[NPC]\/A:[NPC](?:\/[A-Za-z]+:[A-Za-z0-9]+)*\)?$/;
const V3 = /^CVSS:3\.[01]\/(?=.*\bAV:[NALP]\b)(?=.*\bAC:[LH]\b)(?=.*\bPR:[NLH]\b)(?=.*\bUI:[NR]\b)(?=.*\bS:[UC]\b)(?=.*\bC:[HLN]\b)(?=.*\bI:[HLN]\b)(?=.*\bA:[HLN]\b)[A-Za-z]+:[A-Za-z]+(?:\/[A-Za-z]+:[A-Za-z]+)*$/;
const V4 = /^CVSS:4\.0\/(?=.*\bAV:[NALP]\b)(?=.*\bAC:[LH]\b)(?=.*\bAT:[NP]\b)(?=.*\bPR:[NLH]\b)(?=.*\bUI:[NPA]\b)(?=.*\bVC:[HLN]\b)(?=.*\bVI:[HLN]\b)(?=.*\bVA:[HLN]\b)(?=.*\bSC:[HLN]\b)(?=.*\bSI:[HLN]\b)(?=.*\bSA:[HLN]\b)[A-Za-z]+:[A-Za-z]+(?:\/[A-Za-z]+:[A-Za-z]+)*$/;

/** Scores one CVSS statement; undefined when it is not CVSS or not a complete, valid vector. */
export function scoreCvss(statement: SeverityStatement): CvssScore | undefined {
  const vector = statement.score.trim();
  try {
    if (statement.type === "CVSS_V4" && V4.test(vector)) return result(4, new cvss.Cvss4P0(vector).calculateScores().base, vector);
    if (statement.type === "CVSS_V3" && V3.test(vector)) {
      const v = vector.startsWith("CVSS:3.0/") ? new cvss.Cvss3P0(vector) : new cvss.Cvss3P1(vector);
      return result(3, v.calculateScores().base, vector);
    }
    if (statement.type === "CVSS_V2" && V2.test(vector)) return result(2, new cvss.Cvss2(vector.replace(/^\(|\)$/g, "")).calculateScores().base, vector);
  } catch {
    return undefined; // the calculator rejected a metric value the patterns let through
  }
  return undefined;
}

function result(version: number, score: number | undefined, vector: string): CvssScore | undefined {
  if (score === undefined || !Number.isFinite(score)) return undefined;
  return { version, score, level: levelOfScore(score), vector };
}

/** CVSS qualitative ratings: 9.0+ critical, 7.0+ high, 4.0+ medium, 0.1+ low, 0 none (Vouch's `info`). */
export function levelOfScore(score: number): Severity {
  if (score >= 9) return "critical";
  if (score >= 7) return "high";
  if (score >= 4) return "medium";
  if (score > 0) return "low";
  return "info";
}

/** A database's own severity word as a level (GHSA, npm and PyPA spell them differently); undefined when not recognised. */
export function levelOfWord(word: string): Severity | undefined {
  switch (word.trim().toUpperCase()) {
    case "CRITICAL":
      return "critical";
    case "HIGH":
    case "IMPORTANT":
      return "high";
    case "MODERATE":
    case "MEDIUM":
      return "medium";
    case "LOW":
      return "low";
    case "NONE":
    case "INFO":
    case "INFORMATIONAL":
      return "info";
    default:
      return undefined;
  }
}

/** The statement to rank by: the newest CVSS version wins (v4 over v3 over v2), then the higher score. */
export function bestCvss(statements: readonly SeverityStatement[]): CvssScore | undefined {
  let best: CvssScore | undefined;
  for (const s of statements) {
    const scored = scoreCvss(s);
    if (scored && (!best || scored.version > best.version || (scored.version === best.version && scored.score > best.score))) best = scored;
  }
  return best;
}
