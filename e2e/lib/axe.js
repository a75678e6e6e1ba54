// The accessibility check run on every page the tests visit: axe-core, all its rules,
// failing on serious and critical violations with a list that names the page, the rule
// and the elements. Moderate and minor findings are printed, not failed on.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const FAIL_ON = new Set(['serious', 'critical']);

/**
 * Runs axe on the page as it is. The server's Content-Security-Policy allows no script
 * but its own, so axe is evaluated through the DevTools protocol, which the policy does
 * not govern, instead of being added as a script tag.
 */
export async function axeViolations(page) {
  const loaded = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        target: n.target.join(' '),
        html: n.html,
        summary: n.failureSummary,
      })),
    }));
  });
}

/** Readable lines for a list of violations on one page. */
export function describe(label, url, violations) {
  const lines = [];
  for (const v of violations) {
    lines.push(`${label} <${url}>: [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`);
    for (const n of v.nodes.slice(0, 8)) {
      lines.push(`    element ${n.target}: ${n.html.replace(/\s+/g, ' ').slice(0, 160)}`);
      if (n.summary) lines.push(`      ${n.summary.replace(/\n\s*/g, ' | ')}`);
    }
    if (v.nodes.length > 8) lines.push(`    … and ${v.nodes.length - 8} more elements`);
  }
  return lines.join('\n');
}
