// What the browser tests know of the demo world (crates/cairn-app/src/demo.rs and the
// demo seeds beside it). Everything the journeys depend on is here, in one place.

export const PASSWORD = 'cairn-demo-2026';

export const PERSONAS = {
  learner: { name: 'Amara Okafor', email: 'amara.okafor@riverside.example' },
  manager: { name: 'Daniel Reyes', email: 'daniel.reyes@riverside.example' },
  author: { name: 'Priya Natarajan', email: 'priya.natarajan@northbridge.example' },
  assessor: { name: 'Tomasz Kowalski', email: 'tomasz.kowalski@rhwc.example' },
  accreditor: { name: 'Helen Achterberg', email: 'helen.achterberg@cheq.example' },
  issuer: { name: 'Grace Mwangi', email: 'grace.mwangi@rhwc.example' },
  operator: { name: 'Sam Lindqvist', email: 'operator@cairn.example' },
};

export const EMPLOYER = { slug: 'riverside-health', name: 'Riverside Health Network' };

/**
 * The journey's module: a built-in lesson with a knowledge check, and an assessment whose
 * pass (with the lesson completed) earns the council's "Value-Based Care Foundations" badge
 * (crates/cairn-app/src/awards.rs, demo achievements). No attempt limit and no cooldown, so
 * every journey can take it with a fresh learner.
 */
export const MODULE = {
  search: 'value-based care',
  title: 'Value-based care: from volume to outcomes',
  assessment: 'Value-based care assessment',
  credential: 'Value-Based Care Foundations',
  // Knowledge check of the lesson (crates/cairn-app/src/modules/demo_data.rs): prompt → answer.
  check: {
    'Which payment model pays one price for a whole episode of care?': 'Bundled payment',
    'In value-based care, value is…': 'outcomes that matter to patients relative to cost',
  },
};

/**
 * The assessment's item bank (VBC.1 items of crates/cairn-app/src/assessments.rs); each
 * attempt draws its questions at random, so the answers are keyed by prompt.
 *   choice: the option label(s) to pick; truth: true/false; number: what to type.
 */
export const ANSWERS = [
  { prompt: 'In value-based care, providers are paid mainly for', choice: ['the outcomes achieved relative to cost'] },
  { prompt: 'A bundled payment covers all services for one episode of care', truth: true },
  { prompt: 'Which of these are outcome measures', choice: ['30-day readmission rate', 'Mortality after hip fracture'] },
  { prompt: "An episode's target price is 12,000 and the actual cost 10,800", number: '10' },
  { prompt: 'Under fee-for-service, a hospital earns more when', choice: ['it delivers more services'] },
];

/** The role whose gap the manager watches close, and the requirement the badge meets. */
export const ROLE = { name: 'Value-Based Care Coordinator', requirement: 'VBC.1' };

export function answerFor(prompt) {
  const a = ANSWERS.find((x) => prompt.includes(x.prompt));
  if (!a) throw new Error(`the demo answers know no question like: ${prompt}`);
  return a;
}
