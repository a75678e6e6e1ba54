// Where the server under test is, and how to reach its command line. scripts/e2e sets
// these; a run without them is skipped with a notice (or fails under CAIRN_REQUIRE_SHARED=1).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const BASE = process.env.CAIRN_E2E_BASE ?? '';
export const DB = process.env.CAIRN_E2E_DB ?? '';
export const BIN = process.env.CAIRN_BIN ?? '';
export const CHROMIUM = process.env.CAIRN_E2E_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = process.env.CAIRN_E2E_SCREENSHOTS ?? '';

/** Why these tests cannot run here, or null when they can. */
export function missing() {
  if (!BASE || !DB || !BIN) {
    return 'CAIRN_E2E_BASE, CAIRN_E2E_DB and CAIRN_BIN are not set: run the browser tests with scripts/e2e';
  }
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM}`;
  return null;
}

/** Options for node:test: skip with the reason, or fail when the run requires it. */
export function gate() {
  const why = missing();
  if (why && process.env.CAIRN_REQUIRE_SHARED === '1') {
    throw new Error(`browser tests required but cannot run: ${why}`);
  }
  if (why) console.log(`notice: browser tests skipped: ${why}`);
  return { skip: why ?? false };
}

/** Runs the cairn command line against the demo database; returns its standard output. */
export function cairn(args, input) {
  return execFileSync(BIN, [...args, '--db', DB], {
    input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  }).trim();
}
