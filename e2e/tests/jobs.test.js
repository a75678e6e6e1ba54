// A long operation in the browser: an issuer admin awards a badge in bulk, watches the
// progress bar the page's script keeps up to date, leaves, and comes back to the result
// through "Your long operations".
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gate } from '../lib/env.js';
import { MODULE, PERSONAS } from '../lib/demo.js';
import { Session, launch } from '../lib/browser.js';

const skip = gate().skip;

describe('long operations', { skip }, () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test('issuer admin: bulk award, progress, leave and return', async () => {
    const s = await Session.open(browser, 'issuer (bulk award)');
    await s.signIn(PERSONAS.issuer.email);
    await s.follow(s.page.getByRole('link', { name: 'Award in bulk' }).first());
    assert.equal(await s.page.getByRole('heading', { level: 1 }).innerText(), 'Award in bulk');
    await s.choose(s.page.getByLabel('Achievement'), MODULE.credential);
    const list = [PERSONAS.learner.email, PERSONAS.manager.email, 'nobody.here@unknown.example'].join('\n');
    await s.type(s.page.getByLabel('Or paste the addresses', { exact: false }), list);
    await s.follow(s.page.getByRole('button', { name: 'Check and award' }));
    const jobUrl = new URL(s.page.url()).pathname;
    assert.match(jobUrl, /^\/jobs\/[0-9a-f-]{36}$/, 'sending the list starts a job and shows its page');
    await s.checkAtPhone();

    // The page's script follows the job and reloads the page when it ends.
    await s.page.getByRole('heading', { name: 'Result' }).waitFor({ timeout: 30_000 });
    await s.settle();
    const status = await s.page.getByRole('status').first().innerText();
    assert.match(status, /^finished/, status);
    assert.equal(await s.page.locator('#job-bar').evaluate((el) => el.value === el.max), true, 'the bar is full');
    const result = await s.page.locator('main').innerText();
    assert.match(result, /addresses read: 3/);
    assert.match(result, /nobody\.here@unknown\.example/, 'the unknown address is listed');

    // Leave, and come back to it from the home page.
    await s.goto('/');
    await s.follow(s.page.getByRole('link', { name: 'Your long operations' }).first());
    const row = s.page.locator(`a[href="${jobUrl}"]`);
    assert.equal(await row.count() > 0, true, 'the job is listed under the admin\'s long operations');
    await s.follow(row.first());
    assert.equal(new URL(s.page.url()).pathname, jobUrl);
    const problems = s.problems();
    await s.close();
    assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
  });
});
