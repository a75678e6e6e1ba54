// The interface in French: the footer's switcher changes the language and keeps it, the
// pages say so (`<html lang>`), every word comes from the catalog (no message id shows
// instead of text), and the longer French words still pass the accessibility check and fit
// a 360-px phone.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { BASE, gate } from '../lib/env.js';
import { EMPLOYER, PASSWORD, PERSONAS } from '../lib/demo.js';
import { Session, launch } from '../lib/browser.js';

const skip = gate().skip;

/** Every message id of the English catalog, read from the files the server embeds. */
function catalogIds() {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '../../crates/cairn-server/locales/en');
  const ids = new Set();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ftl'))) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      const m = /^([A-Za-z][A-Za-z0-9_-]*) = /.exec(line);
      if (m && m[1].includes('-')) ids.add(m[1]);
    }
  }
  return ids;
}

async function assertFrench(s, ids) {
  const { lang, text } = await s.page.evaluate(() => ({
    lang: document.documentElement.lang,
    text: document.body.innerText,
  }));
  assert.equal(lang, 'fr', `${s.page.url()} is not marked as French`);
  const leaked = text.split(/[^A-Za-z0-9_-]+/).filter((w) => ids.has(w));
  assert.deepEqual(leaked, [], `${s.page.url()} shows message ids instead of words`);
}

describe('the interface in French', { skip }, () => {
  let browser;
  const ids = catalogIds();
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test('a learner and a manager switch to French, work in it, and switch back', async () => {
    const s = await Session.open(browser, 'learner (fr)');
    await s.goto('/signin');
    await s.follow(s.page.getByRole('link', { name: 'Français' }));
    assert.equal(new URL(s.page.url()).pathname, '/signin', 'the switcher comes back to the same page');
    assert.equal(await s.page.getByRole('heading', { level: 1 }).innerText(), 'Se connecter');
    await assertFrench(s, ids);
    await s.shoot('signin-fr');

    await s.type(s.page.getByLabel('Adresse e-mail'), PERSONAS.learner.email);
    await s.type(s.page.getByLabel('Mot de passe'), PASSWORD);
    await s.follow(s.page.getByRole('button', { name: 'Se connecter' }));
    assert.equal(
      await s.page.getByRole('heading', { level: 1 }).innerText(),
      `Bienvenue, ${PERSONAS.learner.name}`,
      'the choice outlives signing in',
    );
    await assertFrench(s, ids);
    await s.shoot('home-fr');
    for (const path of ['/catalog', '/me/stacks', '/me/sharing', '/me/assignments', '/evidence']) {
      await s.goto(path);
      await assertFrench(s, ids);
      await s.checkAtPhone();
    }
    await s.goto('/');
    await s.follow(s.page.getByRole('link', { name: 'Comment elle a été obtenue' }).first());
    await assertFrench(s, ids);
    await s.goto('/');
    const credential = s.page.locator('section[aria-labelledby="wallet"] li a').first();
    await s.follow(credential);
    await assertFrench(s, ids);
    await s.shoot('credential-fr');

    await s.follow(s.page.getByRole('link', { name: 'English' }));
    assert.equal(await s.page.evaluate(() => document.documentElement.lang), 'en');
    const learnerProblems = s.problems();
    await s.close();

    const m = await Session.open(browser, 'manager (fr)');
    // A returning visitor: the cookie the switcher set last time.
    await m.context.addCookies([{ name: 'cairn_lang', value: 'fr', url: BASE }]);
    await m.goto('/signin');
    await m.type(m.page.getByLabel('Adresse e-mail'), PERSONAS.manager.email);
    await m.type(m.page.getByLabel('Mot de passe'), PASSWORD);
    await m.follow(m.page.getByRole('button', { name: 'Se connecter' }));
    for (const path of ['workforce', 'roles', 'assignments', 'expiring']) {
      await m.goto(`/orgs/${EMPLOYER.slug}/${path}`);
      await assertFrench(m, ids);
      if (path === 'workforce') await m.shoot('workforce-fr');
      else await m.checkAtPhone();
    }
    const problems = [...learnerProblems, ...m.problems()];
    await m.close();
    assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
  });
});
