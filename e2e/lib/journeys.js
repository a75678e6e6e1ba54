// The journeys, written once and walked by mouse or by keyboard (Session decides how each
// step is done). Each returns what later steps need.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cairn } from './env.js';
import { EMPLOYER, MODULE, ROLE, answerFor } from './demo.js';

/**
 * A new worker of the demo employer, made with the command line, so every journey starts
 * from someone who holds nothing and runs on the same demo database any number of times.
 */
export function newWorker(tag) {
  const id = randomBytes(4).toString('hex');
  const email = `e2e-${tag}-${id}@riverside.example`;
  cairn(
    ['user', 'add', '--email', email, '--name', `Test ${tag} ${id}`, '--password-stdin',
      '--org', EMPLOYER.slug, '--role', 'learner'],
    'cairn-demo-2026\n',
  );
  return { email, name: `Test ${tag} ${id}` };
}

const link = (s, name) => s.page.getByRole('link', { name, exact: true });
const button = (s, name) => s.page.getByRole('button', { name, exact: true });

/**
 * The learner's way from the catalog to a verified credential: search, the module, its
 * lesson and knowledge check, its assessment, the pass, the wallet, the credential.
 * `shots` takes screenshots on the way.
 */
export async function learnAndEarn(s, { shots = false } = {}) {
  const { page } = s;
  await s.follow(link(s, 'Find modules in the catalog'));
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Module catalog');
  if (shots) await s.shoot('catalog');
  await s.type(page.getByRole('searchbox', { name: 'Search modules' }), MODULE.search);
  await s.follow(button(s, 'Search'));
  await s.follow(link(s, MODULE.title));
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), MODULE.title);
  if (shots) await s.shoot('module');

  // The lesson, page by page, then its knowledge check.
  await s.follow(link(s, 'Start the lesson'));
  if (shots) await s.shoot('lesson');
  for (let i = 0; i < 20; i += 1) {
    const next = page.getByRole('button', { name: /^(Next page|Go to the knowledge check|Finish)$/ });
    const text = await next.innerText();
    await s.follow(next);
    if (text !== 'Next page') break;
  }
  for (const [question, answer] of Object.entries(MODULE.check)) {
    const group = page.getByRole('group', { name: question, exact: false });
    await s.pick(group.getByLabel(answer, { exact: true }));
  }
  await s.follow(button(s, 'Check my answers'));
  const n = Object.keys(MODULE.check).length;
  assert.match(await page.getByRole('status').innerText(), new RegExp(`You answered ${n} of ${n} questions correctly`));

  // The assessment: its questions are drawn at random; answer each by its prompt.
  await s.follow(page.getByRole('link', { name: `← ${MODULE.title}` }));
  await s.follow(link(s, MODULE.assessment));
  await s.follow(button(s, 'Start the assessment'));
  if (shots) await s.shoot('attempt');
  const groups = page.locator('form fieldset.choices');
  const count = await groups.count();
  assert.ok(count > 0, 'the attempt shows no questions');
  for (let i = 0; i < count; i += 1) {
    const g = groups.nth(i);
    const prompt = await g.locator('legend').innerText();
    const a = answerFor(prompt);
    if (a.choice) for (const c of a.choice) await s.pick(g.getByLabel(c, { exact: true }));
    if (a.truth !== undefined) await s.pick(g.getByLabel(a.truth ? 'True' : 'False', { exact: true }));
    if (a.number !== undefined) await s.type(g.getByRole('textbox'), a.number);
  }
  await s.follow(button(s, 'Submit my answers'));
  const verdict = await page.getByRole('status').innerText();
  assert.match(verdict, /^Passed/, `the attempt did not pass: ${verdict}`);
  if (shots) await s.shoot('attempt-result');

  // The credential is in the wallet on the home page; open it: it verifies.
  await s.follow(page.getByRole('link', { name: 'Cairn', exact: true }));
  const wallet = page.getByRole('region', { name: 'Your credentials' });
  await s.follow(wallet.getByRole('link', { name: MODULE.credential, exact: true }));
  if (shots) await s.shoot('credential');
  await assertVerifiedCredential(s, MODULE.credential);
  // Its printable certificate names it, says it verified, and leads back.
  await s.follow(link(s, 'Printable certificate with QR code'));
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), MODULE.credential);
  assert.match(await page.locator('.cert-status').innerText(), /^Verified when this page was made/);
  if (shots) await s.shoot('certificate');
  await s.follow(link(s, 'Back to the credential'));
  await assertVerifiedCredential(s, MODULE.credential);
  return { credentialUrl: page.url() };
}

/** On a credential's page: it names the credential and says it is verified. */
export async function assertVerifiedCredential(s, name) {
  const { page } = s;
  if (name) assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), name);
  const status = await page.getByRole('status').first().innerText();
  assert.match(status, /^Verified\./, `the credential page does not say verified: ${status}`);
}

/**
 * From a credential's page: "Verify another credential", paste the credential's JSON into
 * the public verification form, and see it verified.
 */
export async function verifyByPasting(s, json, { shots = false } = {}) {
  const { page } = s;
  await s.follow(link(s, 'Verify another credential'));
  await s.type(page.getByLabel('Credential text'), json);
  await s.follow(button(s, 'Verify'));
  const result = page.getByRole('region', { name: 'Result' });
  const status = await result.getByRole('status').innerText();
  assert.match(status, /^Verified\./, `the verification page does not say verified: ${status}`);
  if (shots) await s.shoot('verify-result');
}

/** The worker shares everything with the employer (consent), from the home page. */
export async function shareEverything(s) {
  const { page } = s;
  await s.follow(link(s, 'What you share with employers'));
  await s.follow(button(s, `Share everything with ${EMPLOYER.name}`));
  assert.match(await page.getByRole('status').innerText(), /./);
  await s.follow(page.getByRole('link', { name: '← Home' }));
}

/**
 * The manager opens the workforce dashboard on the role and returns its id (from the
 * role picker).
 */
export async function managerOpensRole(s, { shots = false } = {}) {
  const { page } = s;
  await s.follow(link(s, 'Workforce: teams, roles and gaps'));
  const picker = page.getByLabel('Role', { exact: true });
  await s.choose(picker, ROLE.name);
  await s.follow(button(s, 'Show the role'));
  if (shots) await s.shoot('workforce-heat-map');
  const id = await picker.evaluate((el) => el.value);
  assert.ok(id, 'the role picker has no value');
  return id;
}

/** On a worker's page against the role: the requirement's line, and whether it is met. */
export async function requirementLine(s) {
  const line = s.page.locator('ul.wf-gaps > li').filter({ hasText: ROLE.requirement });
  assert.equal(await line.count(), 1, `no single line for ${ROLE.requirement} on ${s.page.url()}`);
  return {
    text: (await line.innerText()).replace(/\s+/g, ' '),
    met: await line.evaluate((el) => el.classList.contains('wf-met')),
  };
}
