/**
 * The one clock. Everything time-dependent (suppression expiry, database age, timestamps in output)
 * asks a Clock, so output is reproducible: `--now` or `SOURCE_DATE_EPOCH` pin it.
 */
import { VouchError } from "./errors.js";

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(at: Date): Clock {
  return { now: () => new Date(at.getTime()) };
}

/**
 * Resolves the clock from an explicit `--now` value (ISO 8601 or Unix seconds) or, failing that, the
 * reproducible-builds `SOURCE_DATE_EPOCH` variable; otherwise the system clock.
 */
export function resolveClock(now?: string, env: NodeJS.ProcessEnv = process.env): Clock {
  if (now !== undefined && now !== "") return fixedClock(parseInstant(now, "--now"));
  const sde = env.SOURCE_DATE_EPOCH;
  if (sde !== undefined && sde !== "") return fixedClock(parseInstant(sde, "SOURCE_DATE_EPOCH"));
  return systemClock;
}

function parseInstant(value: string, what: string): Date {
  const d = /^\d+$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
  if (Number.isNaN(d.getTime())) {
    throw new VouchError("E_USAGE", `${what} is not a date: ${JSON.stringify(value)}`, {
      hint: "Give an ISO 8601 date (2026-01-31T00:00:00Z) or Unix seconds",
    });
  }
  return d;
}
