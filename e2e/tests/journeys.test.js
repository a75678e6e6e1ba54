// The three journeys of issue 10 — learner, manager, verifier — each by mouse and by
// keyboard only, with the accessibility check on every page on the way.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gate } from '../lib/env.js';
import { EMPLOYER, PERSONAS } from '../lib/demo.js';
import { Session, launch } from '../lib/browser.js';
import {
  assertVerifiedCredential,
  learnAndEarn,
  managerOpensRole,
  newWorker,
  requirementLine,
  shareEverything,
  verifyByPasting,
} from '../lib/journeys.js';

const skip = gate().skip;

describe('journeys', { skip }, () => {
  let browser;
  const sessions = [];
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  async function open(who, keyboard) {
    const s = await Session.open(browser, who, { keyboard });
    sessions.push(s);
    return s;
  }

  /** Fails with everything the sessions of one test found: axe, focus, other hosts. */
  async function finish(...ss) {
    const problems = ss.flatMap((s) => s.problems());
    for (const s of ss) await s.close();
    assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
  }

  for (const keyboard of [false, true]) {
    const how = keyboard ? 'keyboard only' : 'mouse';

    test(`learner: catalog to a verified credential (${how})`, async () => {
      const worker = newWorker(keyboard ? 'learner-kb' : 'learner');
      const s = await open('learner', keyboard);
      await s.signIn(worker.email);
      const shots = !keyboard;
      const { credentialUrl } = await learnAndEarn(s, { shots });
      // The wallet, with the new credential in it.
      await s.goto('/');
      if (shots) await s.shoot('home-wallet');
      await s.goto(credentialUrl);
      const json = await (await s.page.request.get(`${credentialUrl}.json`)).text();
      await verifyByPasting(s, json, { shots });
      await finish(s);
    });

    test(`manager: a worker's gap closes when the worker earns the credential (${how})`, async () => {
      const worker = newWorker(keyboard ? 'worker-kb' : 'worker');
      const w = await open('worker', keyboard);
      await w.signIn(worker.email);
      await shareEverything(w);

      const m = await open('manager', keyboard);
      await m.signIn(PERSONAS.manager.email);
      const roleId = await managerOpensRole(m, { shots: !keyboard });
      // The worker's page, by its address: a worker who holds nothing is in no list yet.
      const userId = await workerId(m, worker.email);
      const page = `/orgs/${EMPLOYER.slug}/workers/${userId}?role=${roleId}`;
      await m.goto(page);
      const before = await requirementLine(m);
      assert.equal(before.met, false, `the gap is not shown before: ${before.text}`);
      if (!keyboard) await m.shoot('worker-gap');

      await learnAndEarn(w);

      await m.goto(page);
      const after = await requirementLine(m);
      assert.equal(after.met, true, `the gap did not close: ${after.text}`);
      // And the worker is now ranked for the role.
      await m.follow(m.page.getByRole('link', { name: /^Others ranked for/ }));
      assert.ok(await m.page.getByRole('link', { name: worker.name, exact: true }).count(),
        'the worker is not among the candidates after earning the credential');
      await finish(w, m);
    });

    test(`verifier: anonymous, follows a credential's verify link (${how})`, async () => {
      // The holder (the demo learner) shares the link of one of her credentials…
      const holder = await open('holder', false);
      await holder.signIn(PERSONAS.learner.email);
      const wallet = holder.page.getByRole('region', { name: 'Your credentials' });
      const item = wallet.getByRole('listitem').filter({ hasText: 'valid' }).first();
      await holder.follow(item.getByRole('link').first());
      const link = await holder.page.locator('figure.qr figcaption').getByRole('link').getAttribute('href');
      assert.ok(link, 'the credential page offers no verify link');

      // …and someone with no account opens it.
      const v = await open('verifier', keyboard);
      await v.goto(link);
      await assertVerifiedCredential(v);
      const json = await (await v.page.request.get(`${link}.json`)).text();
      await verifyByPasting(v, json);
      await finish(holder, v);
    });
  }
});

/** A worker's id, as the manager's own API tells it (the worker list of the organization). */
async function workerId(m, email) {
  const r = await m.page.request.get(`/api/v1/orgs/${EMPLOYER.slug}/members?limit=500`);
  assert.ok(r.ok(), `members list: HTTP ${r.status()}`);
  const body = await r.json();
  const rows = body.members ?? body;
  const row = rows.find((x) => x.email === email);
  assert.ok(row, `${email} is not a member of ${EMPLOYER.slug}`);
  return row.user_id;
}
