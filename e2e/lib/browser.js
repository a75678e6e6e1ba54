// A browser session acting as one person, by mouse or by keyboard only, that runs the
// accessibility check on every page it lands on and can take screenshots of it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { axeViolations, describe, FAIL_ON } from './axe.js';
import { BASE, CHROMIUM, SCREENSHOTS } from './env.js';
import { PASSWORD } from './demo.js';

export const PHONE = { width: 360, height: 780 };
export const DESKTOP = { width: 1280, height: 900 };

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** How many Tab presses a keyboard user may need to reach a control before we call it lost. */
const MAX_TABS = 250;

export class Session {
  /**
   * @param browser from launch()
   * @param who a label for messages ("learner", "manager"…)
   * @param keyboard true: only Tab, Shift+Tab, Enter and Space (arrows inside a radio
   *   group, typing into a field); false: the mouse
   */
  static async open(browser, who, { keyboard = false } = {}) {
    const context = await browser.newContext({ viewport: DESKTOP, baseURL: BASE });
    const page = await context.newPage();
    const s = new Session(context, page, who, keyboard);
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) s.visited.add(stripHash(f.url()));
    });
    // Nothing may come from another host; a page that tries fails the test.
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (!['http:', 'https:'].includes(u.protocol)) return;
      if (u.origin !== new URL(BASE).origin) s.foreign.push(`${page.url()} asked for ${r.url()}`);
    });
    // A script or style the CSP blocks, or a script error, shows here. A page answered
    // with an error status (a refused sign-in is a 401) is not a console error of its own.
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      if (/^Failed to load resource/.test(m.text()) && stripHash(m.location().url) === stripHash(page.url())) return;
      s.consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => s.consoleErrors.push(`${page.url()}: ${e.message}`));
    return s;
  }

  constructor(context, page, who, keyboard) {
    this.context = context;
    this.page = page;
    this.who = who;
    this.keyboard = keyboard;
    this.visited = new Set();
    this.checked = new Set();
    this.findings = [];
    this.focusProblems = [];
    this.foreign = [];
    this.consoleErrors = [];
  }

  label() {
    return `${this.who}${this.keyboard ? ' (keyboard)' : ''}`;
  }

  /** Goes to an address, as typed into the address bar, and checks the page. */
  async goto(path) {
    await this.page.goto(path);
    await this.settle();
  }

  /** After anything that loads a page: waits for it, then runs the accessibility check. */
  async settle() {
    await this.page.waitForLoadState('load');
    const url = stripHash(this.page.url());
    const violations = await axeViolations(this.page);
    const failing = violations.filter((v) => FAIL_ON.has(v.impact));
    const other = violations.filter((v) => !FAIL_ON.has(v.impact));
    if (other.length) console.log(describe(`note: ${this.label()}`, url, other));
    if (failing.length) this.findings.push(describe(this.label(), url, failing));
    // Reflow (WCAG 1.4.10): at the phone width the page itself never scrolls sideways;
    // only a wide table or picture does, inside its own scroller.
    const overflow = await this.page.evaluate(() => {
      if (innerWidth > 400 || document.documentElement.scrollWidth <= innerWidth) return null;
      const wide = [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > innerWidth + 1)
        .filter((e) => !e.parentElement.closest('.table-wrap, .wf-scroll'))
        .map((e) => e.outerHTML.replace(/\s+/g, ' ').slice(0, 100));
      return `${document.documentElement.scrollWidth} px wide at ${innerWidth} px: ${wide.slice(0, 3).join(' | ')}`;
    });
    if (overflow) this.findings.push(`${this.label()} <${url}>: the page scrolls sideways, ${overflow}`);
    this.checked.add(url);
  }

  /** Activates a link or button: a click, or Tab to it and Enter. Then checks the new page. */
  async follow(locator) {
    await locator.waitFor({ state: 'attached' });
    const loaded = this.page.waitForEvent('load');
    await this.activate(locator);
    await loaded;
    await this.settle();
  }

  /** Activates without expecting a new page. */
  async activate(locator) {
    await locator.waitFor({ state: 'attached' });
    if (!this.keyboard) {
      await Promise.all([this.page.waitForLoadState('load'), locator.click()]);
      return;
    }
    await this.tabTo(locator);
    const kind = await locator.evaluate((el) => el.type ?? '');
    await this.page.keyboard.press(kind === 'checkbox' || kind === 'radio' ? 'Space' : 'Enter');
    await this.page.waitForLoadState('load');
  }

  /** Types into a field: filled by the mouse user, tabbed to and typed by the keyboard user. */
  async type(locator, text) {
    if (!this.keyboard) return locator.fill(text);
    await this.tabTo(locator);
    if (await locator.inputValue()) throw new Error(`${this.label()}: the field to type into is not empty`);
    await this.page.keyboard.insertText(text);
  }

  /** Ticks a checkbox or picks a radio button. Keyboard: a radio is reached by Tab into its
   * group then the arrow keys, as radio groups work; a checkbox by Tab and Space. */
  async pick(locator) {
    if (!this.keyboard) return locator.check();
    const type = await locator.evaluate((el) => el.type);
    if (type !== 'radio') {
      if (!(await locator.isChecked())) await this.activate(locator);
      return;
    }
    const name = await locator.evaluate((el) => el.name);
    const inGroup = this.page.locator(`input[type=radio][name="${name}"]`);
    await this.tabTo(inGroup.first(), { orAny: inGroup });
    for (let i = 0; i < 20 && !(await isFocused(locator)); i += 1) {
      await this.page.keyboard.press('ArrowDown');
      await this.recordFocus();
    }
    if (!(await isFocused(locator))) throw new Error(`${this.label()}: arrows never reached ${await outer(locator)}`);
    if (!(await locator.isChecked())) await this.page.keyboard.press('Space');
  }

  /** Chooses an option of a select by its label: typing its first letters, as a keyboard user would. */
  async choose(select, label) {
    if (!this.keyboard) return select.selectOption({ label });
    await this.tabTo(select);
    await this.page.keyboard.type(label);
    const chosen = await select.evaluate((el) => el.selectedOptions[0]?.label);
    if (chosen !== label) throw new Error(`${this.label()}: typing "${label}" chose "${chosen}"`);
  }

  /**
   * Presses Tab (or Shift+Tab) until the element has focus, checking at every stop that
   * focus can be seen. Starts from where focus is, wraps around the page if it must.
   */
  async tabTo(locator, { orAny } = {}) {
    const handle = await locator.elementHandle();
    // Backwards with Shift+Tab when the control comes before the focused one.
    const key = await handle.evaluate((el) => {
      const at = document.activeElement;
      if (!at || at === document.body) return 'Tab';
      return at.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING ? 'Shift+Tab' : 'Tab';
    });
    for (let i = 0; i < MAX_TABS; i += 1) {
      await this.page.keyboard.press(key);
      const here = await this.recordFocus();
      if (here && (await handle.evaluate((el) => el === document.activeElement))) return;
      if (orAny && (await orAny.evaluateAll((els) => els.includes(document.activeElement)))) return;
    }
    throw new Error(`${this.label()}: ${MAX_TABS} Tab presses never reached ${await outer(locator)} on ${this.page.url()}`);
  }

  /** Notes the focused element if its focus cannot be seen; returns whether something has focus. */
  async recordFocus() {
    const problem = await this.page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body || el === document.documentElement) return null;
      const st = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      const describeEl = () => el.outerHTML.replace(/\s+/g, ' ').slice(0, 120);
      if (r.width === 0 || r.height === 0) return `focus on an invisible element: ${describeEl()}`;
      if (r.bottom < 0 || r.top > innerHeight || r.right < 0 || r.left > innerWidth) {
        return `focus outside the viewport: ${describeEl()}`;
      }
      const outline = st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2;
      const shadow = st.boxShadow && st.boxShadow !== 'none';
      if (!outline && !shadow) return `no visible focus indicator: ${describeEl()}`;
      return '';
    });
    if (problem === null) return false;
    if (problem) this.focusProblems.push(`${this.page.url()}: ${problem}`);
    return true;
  }

  /** Signs in through the /signin form. */
  async signIn(email) {
    await this.goto('/signin');
    await this.type(this.page.getByLabel('E-mail', { exact: false }).first(), email);
    await this.type(this.page.getByLabel('Password', { exact: false }).first(), PASSWORD);
    await this.follow(this.page.getByRole('button', { name: 'Sign in' }));
    if (new URL(this.page.url()).pathname !== '/') {
      throw new Error(`${this.label()}: signing in as ${email} did not reach the home page (at ${this.page.url()})`);
    }
  }

  /** Runs the accessibility check again at the phone width. */
  async checkAtPhone() {
    await this.page.setViewportSize(PHONE);
    await this.settle();
    await this.page.setViewportSize(DESKTOP);
  }

  /** Screenshots of the page at phone and desktop widths (checked again at the phone width). */
  async shoot(name) {
    if (!SCREENSHOTS) return this.checkAtPhone();
    mkdirSync(SCREENSHOTS, { recursive: true });
    await this.page.setViewportSize(PHONE);
    await this.settle();
    await this.page.screenshot({ path: join(SCREENSHOTS, `${name}-phone.png`) });
    await this.page.setViewportSize(DESKTOP);
    await this.page.screenshot({ path: join(SCREENSHOTS, `${name}-desktop.png`) });
  }

  /** Everything this session found: a failing list, or empty. */
  problems() {
    const out = [...this.findings];
    const unchecked = [...this.visited].filter((u) => !this.checked.has(u) && !u.startsWith('about:'));
    if (unchecked.length) out.push(`${this.label()}: pages visited without the accessibility check: ${unchecked.join(', ')}`);
    if (this.focusProblems.length) out.push(`${this.label()}: focus not visible:\n  ${[...new Set(this.focusProblems)].join('\n  ')}`);
    if (this.foreign.length) out.push(`${this.label()}: requests to another host:\n  ${this.foreign.join('\n  ')}`);
    if (this.consoleErrors.length) out.push(`${this.label()}: console errors (a blocked inline script shows here):\n  ${this.consoleErrors.join('\n  ')}`);
    return out;
  }

  async close() {
    await this.context.close();
  }
}

function stripHash(u) {
  return u.split('#')[0];
}

async function isFocused(locator) {
  return locator.evaluate((el) => el === document.activeElement);
}

async function outer(locator) {
  return locator.evaluate((el) => el.outerHTML.replace(/\s+/g, ' ').slice(0, 120)).catch(() => String(locator));
}
