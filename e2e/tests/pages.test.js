// The other personas' main pages: each is checked for accessibility and, when the run
// asks for them, photographed at phone and desktop widths. The learner's and manager's
// pages are photographed on their journeys (journeys.test.js).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gate } from '../lib/env.js';
import { PERSONAS } from '../lib/demo.js';
import { Session, launch } from '../lib/browser.js';

const skip = gate().skip;

/** (persona, [screenshot name or null for none, address, a heading the page must show]) */
const PAGES = [
  ['learner', [
    ['home', '/', 'Welcome, Amara Okafor'],
    ['stacks', '/me/stacks', 'Your stacks'],
    [null, '/me/sharing', 'What you share with employers'],
  ]],
  ['manager', [
    [null, '/orgs/riverside-health/roles', null],
    [null, '/orgs/riverside-health/assignments', null],
  ]],
  ['author', [
    [null, '/orgs/northbridge-academy/modules', null],
    [null, '/orgs/northbridge-academy/items', null],
  ]],
  ['assessor', [['assessor-queue', '/reviews', null]]],
  ['accreditor', [
    ['accreditor-queue', '/orgs/cheq/accreditation', null],
    [null, '/accreditation/reviews', null],
  ]],
  ['issuer', [
    ['issuer-admin', '/orgs/rhwc', null],
    [null, '/orgs/rhwc/awards', null],
    [null, '/orgs/rhwc/stacks', null],
  ]],
  ['operator', [['registry', '/registry', null]]],
];

describe('main pages of each persona', { skip }, () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test('signed out: sign-in, catalog and verification form', async () => {
    const s = await Session.open(browser, 'anonymous');
    await s.goto('/signin');
    await s.shoot('signin');
    await s.goto('/verify');
    await s.checkAtPhone();
    // A wrong password: the error is announced and tied to the fields.
    await s.goto('/signin');
    await s.page.getByLabel('E-mail address').fill(PERSONAS.learner.email);
    await s.page.getByLabel('Password').fill('not the password');
    await s.follow(s.page.getByRole('button', { name: 'Sign in' }));
    const err = s.page.getByRole('alert');
    assert.match(await err.innerText(), /./);
    assert.equal(await s.page.getByLabel('Password').getAttribute('aria-describedby'), await err.getAttribute('id'));
    const problems = s.problems();
    await s.close();
    assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
  });

  for (const [persona, pages] of PAGES) {
    test(`${persona}: ${pages.map((p) => p[1]).join(', ')}`, async () => {
      const s = await Session.open(browser, persona);
      await s.signIn(PERSONAS[persona].email);
      for (const [name, path, heading] of pages) {
        await s.goto(path);
        const status = await s.page.evaluate(() => document.title);
        assert.doesNotMatch(status, /^(Not found|Not allowed|Something went wrong)/, `${path}: ${status}`);
        if (heading) assert.equal(await s.page.getByRole('heading', { level: 1 }).innerText(), heading);
        if (name) await s.shoot(name);
        else await s.checkAtPhone();
      }
      const problems = s.problems();
      await s.close();
      assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
    });
  }
});
