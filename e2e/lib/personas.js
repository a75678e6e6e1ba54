// Small helpers for the journeys of the author, accreditor, assessor, issuer admin,
// operator and manager (tests/personas.test.js).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

export const link = (s, name) => s.page.getByRole('link', { name, exact: true });
export const button = (s, name) => s.page.getByRole('button', { name, exact: true });
export const field = (s, label) => s.page.getByLabel(label, { exact: true });
export const h1 = async (s) => (await s.page.getByRole('heading', { level: 1 }).innerText()).trim();

/** The part of the page (a section, card or form) under the heading of this text. */
export function card(s, heading) {
  const h = s.page.getByRole('heading', { name: heading, exact: false });
  return s.page.locator('section, .card, form').filter({ has: h }).last();
}

/** A short random tag, so names made by a run never meet those of an earlier run. */
export const tag = () => randomBytes(3).toString('hex');

/** The first-level heading of the page is this text. */
export async function assertHeading(s, text) {
  assert.equal(await h1(s), text, `expected the page "${text}" at ${s.page.url()}`);
}

/** The page shows no error message (a form that did not go through says why in role=alert). */
export async function assertNoError(s, step) {
  const alerts = s.page.locator('[role=alert], .error');
  if (await alerts.count()) {
    const text = (await alerts.allInnerTexts()).join(' | ').trim();
    if (text) assert.fail(`${step}: the page says: ${text} (${s.page.url()})`);
  }
}

/**
 * Picks the option of a select whose label contains `text` (the labels of some pickers are
 * long and cut short with an ellipsis, so the exact label is not known). The keyboard user
 * tabs to the select and types the start of the label, up to its first character that is
 * not on a keyboard, as one picks from a list by typing.
 */
export async function chooseContaining(s, select, text) {
  const option = select.locator('option', { hasText: text }).first();
  assert.ok(await option.count(), `no option containing "${text}" in ${await select.getAttribute('name')}`);
  const label = (await option.innerText()).trim();
  if (!s.keyboard) return select.selectOption({ label });
  await s.tabTo(select);
  const typed = label.match(/^[\x20-\x7e]*/)[0];
  await s.page.keyboard.type(typed);
  const chosen = await select.evaluate((el) => el.selectedOptions[0]?.label);
  if (chosen !== label) throw new Error(`${s.label()}: typing "${typed}" chose "${chosen}", not "${label}"`);
}

/** A table row of the page, found by text it contains. */
export function row(s, text) {
  return s.page.locator('tr').filter({ hasText: text });
}

/**
 * Signs in through the /signin form with an account's own password (Session.signIn knows
 * only the demo's), as someone handed a first password would, and lands on the home page.
 */
export async function signInWith(s, email, password) {
  await s.goto('/signin');
  await s.type(s.page.getByLabel('E-mail', { exact: false }).first(), email);
  await s.type(s.page.getByLabel('Password', { exact: false }).first(), password);
  await s.follow(s.page.getByRole('button', { name: 'Sign in' }));
  assert.equal(new URL(s.page.url()).pathname, '/', `signing in as ${email} did not reach the home page (at ${s.page.url()})`);
}

/**
 * Gets what a link on the page points at, with the session's cookies, as the browser's
 * download would: returns the response's content type, disposition and text.
 */
export async function download(s, locator) {
  const href = await locator.getAttribute('href');
  assert.ok(href, 'the download link has no address');
  const r = await s.page.request.get(href);
  assert.ok(r.ok(), `${href}: HTTP ${r.status()}`);
  return {
    href,
    type: r.headers()['content-type'] ?? '',
    disposition: r.headers()['content-disposition'] ?? '',
    text: await r.text(),
  };
}
