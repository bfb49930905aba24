/**
 * The subset of the SARIF 2.1.0 object model Vouch emits (OASIS SARIF v2.1.0 plus errata 01). Names
 * and meanings follow the spec's section numbers given per type; only the properties used are typed.
 */

export type SarifLevel = "error" | "warning" | "note" | "none";

/** A plain-text message (§3.11). */
export interface SarifMessage {
  text: string;
}

/** §3.4: where an artifact is. Top-level artifacts carry `uriBaseId`; nested ones never do (§3.4.4). */
export interface SarifArtifactLocation {
  uri?: string;
  uriBaseId?: string;
  index?: number;
}

/** §3.24: one artifact. A nested artifact (an archive member) points at its container via `parentIndex`. */
export interface SarifArtifact {
  location?: SarifArtifactLocation;
  parentIndex?: number;
  length?: number;
  roles?: string[];
  hashes?: Record<string, string>;
  properties?: Record<string, unknown>;
}

/** §3.30: a region of an artifact, by byte offset (binary formats) or line/column (text formats). */
export interface SarifRegion {
  byteOffset?: number;
  byteLength?: number;
  startLine?: number;
  startColumn?: number;
}

/** §3.28: a location; Vouch only uses physical locations. */
export interface SarifLocation {
  physicalLocation: { artifactLocation: SarifArtifactLocation; region?: SarifRegion };
}

/** §3.35: a suppression; Vouch's come from vouch.yaml, i.e. outside the scanned artifact ("external"). */
export interface SarifSuppression {
  kind: "external";
  status: "accepted";
  justification: string;
  properties?: Record<string, string>;
}

/** §3.27: one result. */
export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: SarifMessage;
  locations: SarifLocation[];
  analysisTarget?: SarifArtifactLocation;
  partialFingerprints: Record<string, string>;
  suppressions?: SarifSuppression[];
  properties: Record<string, unknown>;
}

/** §3.49: a rule's metadata. */
export interface SarifReportingDescriptor {
  id: string;
  name: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  help: SarifMessage;
  defaultConfiguration: { level: SarifLevel };
  properties: { "security-severity": string; tags: string[] };
}

/** §3.58: something the tool wants to say about the run rather than about the scanned code. */
export interface SarifNotification {
  level: SarifLevel;
  message: SarifMessage;
  locations?: SarifLocation[];
}

/** §3.20: how the tool ran. */
export interface SarifInvocation {
  executionSuccessful: boolean;
  toolExecutionNotifications?: SarifNotification[];
}

/** §3.14: one run of one tool. */
export interface SarifRun {
  tool: {
    driver: {
      name: string;
      version: string;
      semanticVersion: string;
      informationUri: string;
      rules: SarifReportingDescriptor[];
    };
  };
  invocations: SarifInvocation[];
  artifacts: SarifArtifact[];
  results: SarifResult[];
  columnKind: "unicodeCodePoints";
  properties: Record<string, unknown>;
}

/** §3.13: the log file. */
export interface SarifLog {
  $schema: string;
  version: "2.1.0";
  runs: SarifRun[];
}
