# Learning pages: the header navigation, the module catalog, modules and lessons, the
# author's module editor, stacks and their pictures, and awards.

# The header navigation of the catalog and learning pages (its other words are in core)
nav-sign-in = Sign in

# The catalog
catalog-title = Catalog
catalog-heading = Module catalog
catalog-search-label = Search modules
catalog-search-placeholder = e.g. ICD-11, value-based care, interprofessional
catalog-filters = Filters
catalog-domain = Domain
catalog-any-domain = Any domain
catalog-provider = Provider
catalog-any-provider = Any provider
catalog-format = Format
catalog-any-format = Any format
catalog-language = Language
# "Minutes, from [  ] to [  ]": two labels of one range
catalog-minutes-from = Minutes, from
catalog-minutes-to = to
catalog-sort = Sort by
catalog-sort-relevance = Best match
catalog-sort-title = Title
catalog-sort-duration = Shortest first
catalog-sort-newest = Newest
catalog-accredited-only = Accredited only
catalog-accredited-hint = (reviewed by an accreditor against a published standard, endorsement valid today)
catalog-search = Search
catalog-none-found = No modules found
catalog-count-one = { $count } module
catalog-count-other = { $count } modules
catalog-showing = (showing { $first }–{ $last })
catalog-try-again = Try fewer or different words, or remove a filter.
catalog-pages-label = Result pages
catalog-previous = Previous
catalog-next = Next
catalog-not-found = { $what } was not found; choose a provider from the list.

# A module's facts, on the catalog and the module page
module-format-lesson = Built-in lesson
module-format-link = External link
module-format-xapi = xAPI / cmi5 activity
module-minutes = { $minutes } min
module-accredited = Accredited
module-state-draft = draft
module-state-published = published

# The module page
module-back-to-catalog = ← Catalog
module-accreditation-label = Accreditation
module-accredited-by = Accredited by { $accreditor } until { $until }
module-accredited-by-conditions = Accredited by { $accreditor } until { $until } with conditions
# "Verify" is the link; screen readers also hear the words after it
module-verify = Verify
module-verify-sr = the endorsement by { $accreditor }
module-draft-notice = This module is a draft: only its authors see it. Publish it to show it in the catalog.
module-about = About this module
module-objectives = You will be able to
module-competencies = Competencies
module-target-level = (target level { $level })
# One link: "More modules for this" is seen, "competency" is for screen readers
module-more-for = More modules for this
module-more-for-sr = competency
module-tags = Tags: { $tags }
module-take = Take the module
module-n-pages-one = { $count } page
module-n-pages-other = { $count } pages
module-n-questions-one = { $count } question
module-n-questions-other = { $count } questions
# $pages is module-n-pages, $questions is module-n-questions
module-lesson-size = { $pages }.
module-lesson-size-with-check = { $pages } and a knowledge check of { $questions }.
module-progress = Your progress: { $seen } of { $total } pages.
module-progress-completed = Your progress: { $seen } of { $total } pages, completed.
module-start-lesson = Start the lesson
module-continue-lesson = Continue the lesson
# One sentence: "Sign in" is a link, the rest follows it
module-sign-in = Sign in
module-sign-in-to-take = to take the lesson and keep your progress.
module-open-activity = Open the activity
module-opens-new-tab = (opens in a new tab)
module-xapi-activity = xAPI activity:
module-assessment = Assessment
module-version-heading = Version
module-version = Version { $number } ({ $state })
module-content-hash = content hash
module-version-item = Version { $number }: { $state }
module-edit = Edit
module-edit-new-draft = Edit (starts a new draft)
module-all-of-provider = All modules of { $provider }
module-publish-draft = Publish the draft
module-not-published = Not published

# A lesson, page by page, and its knowledge check
lesson-page-of = Page { $page } of { $pages }
lesson-pages-label = Lesson pages
lesson-previous-page = Previous page
lesson-next-page = Next page
lesson-finish = Finish
lesson-go-to-check = Go to the knowledge check
lesson-complete = Lesson complete
lesson-knowledge-check = Knowledge check
lesson-score = You answered { $right } of { $total } questions correctly.
lesson-check-answers = Check my answers
lesson-check-again = Check my answers again
lesson-all-read = You have read every page of this lesson.
lesson-back-to-last = Back to the last page
lesson-find-another = Find another module
# $why is the author's explanation, possibly empty
lesson-feedback-right = Question { $number }: right. { $why }
lesson-feedback-wrong = Question { $number }: the answer is “{ $answer }”. { $why }
lesson-save-failed-heading = Could not save your progress
# $reason is a sentence without its final full stop
lesson-save-failed = { $reason }. Go back and try again.

# A provider's modules and the module editor
module-list-title = Modules of { $org }
module-write-new = Write a new module
module-list-yours = Your modules
module-list-none = No modules yet.
module-list-col-title = Title
module-list-col-version = Latest version
module-list-col-actions = Actions
module-edit-title = Edit { $title }
module-new = New module
module-edit-heading = Edit module
module-all = ← All modules
module-view = View the module
module-editing-version = Editing version { $number } ({ $state }).
module-editing-published = It is published and frozen: saving starts a new draft, and version { $number } stays as it is.
module-field-title = Title
module-field-summary = Summary
module-field-objectives = Learning objectives
module-one-per-line = (one per line)
module-field-duration = Duration in minutes
module-duration-hint = (5–20 is typical)
module-field-language = Language
module-field-format = Format
module-field-url = Address
module-url-hint = (external link, or xAPI launch URL)
module-field-iri = xAPI activity IRI
module-field-tags = Tags
module-tags-hint = (separated by commas)
module-save-draft = Save the draft
module-create-draft = Create the draft
module-lesson-pages = Lesson pages
module-no-pages = No pages yet.
module-page-title = Page title
module-page-text = Text
module-page-text-hint = (Markdown; HTML is shown as text)
module-add-page = Add the page
module-not-aligned = Not aligned to any competency yet.
module-remove = Remove
module-import-framework = Import a competency framework to align modules to it.
module-competency = Competency
module-level = Target level
module-level-1 = 1 — foundational
module-level-2 = 2 — working
module-level-3 = 3 — proficient
module-level-4 = 4 — expert
module-align = Align
module-knowledge-check = Knowledge check
module-no-questions = No questions yet.
module-n-choices = ({ $count } choices)
module-question = Question
module-choices = Choices
module-answer = Number of the right choice
module-explanation = Explanation
module-explanation-hint = (shown after answering)
module-add-question = Add the question
module-publish-heading = Publish
module-publish-text = Publishing freezes this version with a content hash and shows it in the catalog. Later changes make a new draft.
module-publish = Publish
# Form errors start with the name of the form field (kept as is: duration_minutes, format…)
module-error-duration = duration_minutes: '{ $value }' is not a number of minutes
module-error-format = format: choose a format
module-error-answer = answer: give the number of the right choice, 1–{ $max }
module-error-competency = competency: choose a competency from the list
module-error-level = level: choose a target level

# Stacks: kinds of achievement and where a learner stands
stack-kind-badge = Badge
stack-kind-micro-credential = Micro-credential
stack-kind-nano-degree = Nano-degree
stack-kind-certificate = Certificate
stack-state-held = held
stack-state-expiring = held, expiring within 90 days
stack-state-suspended = suspended
stack-state-missing = not yet held

# A learner's stacks and the path to one
stack-mine-title = Your stacks
stack-mine-intro = Badges stack into micro-credentials, and those into nano-degrees and certificates. Here is every stack you hold or have begun, what counts already and what is still missing.
stack-mine-none = You have not begun any stack yet: earn a badge that is part of one and it appears here.
stack-rule = Rule:
stack-first-hold = First hold:
stack-held = held
stack-not-yet-held = not yet held
stack-complete-held = Complete: you hold it.
stack-complete-on-way = Complete: everything it needs is held, and its credential is on its way.
stack-still-missing = Still missing
stack-plan-path = Plan my path to { $name }
stack-back-to-stacks = ← Your stacks
stack-path-title = Your path to { $target }
stack-total-time = Total time: { $total }.
stack-duration-minutes = { $minutes } min
stack-duration-hours = { $hours } h
stack-duration-hours-minutes = { $hours } h { $minutes } min
stack-nothing-left = Nothing left to do.
stack-step-module = Module
stack-step-assessment = Assessment
stack-step-minutes = ({ $minutes } min)
stack-step-for = — for { $achievement }
# Follows the name of the achievement, in bold: "<name> is awarded"
stack-is-awarded = is awarded

# An organization's stacks and the stack editor
stack-org-title = Stacks of { $org }
stack-org-intro = Achievements awarded when a learner holds others: badges into micro-credentials, micro-credentials into nano-degrees and certificates.
stack-define-new = Define a new stack
stack-org-none = No stacks yet.
stack-prerequisites = Prerequisites:
stack-edit-named = Edit { $name }
stack-edit-title = Edit { $name }
stack-new = New stack
stack-edit-heading = Edit the stack { $name }
stack-all = ← All stacks
stack-as-saved = As saved
stack-picture-after-save = The picture of the stack appears here once it is saved.
stack-field-name = Name
stack-field-kind = Kind
stack-field-description = Description
stack-field-criteria = Criteria
stack-criteria-hint = (in words, for learners)
stack-rule-legend = Rule
stack-rule-all = All of the parts
# "At least [ 2 ] of the parts": the box for the number sits between the two pieces
stack-rule-at-least = At least
stack-rule-at-least-end = of the parts
stack-how-many = How many parts
# "Parts worth at least [ 6 ] credits": the box for the number sits between the two pieces
stack-rule-credits = Parts worth at least
stack-rule-credits-end = credits
stack-min-credits = Minimum credits
stack-parts-legend = Parts and prerequisites
stack-parts-hint = A part counts towards the rule; a prerequisite must be held before the stack can be earned.
stack-col-achievement = Achievement
stack-col-part = Part
stack-col-prereq = Prerequisite
stack-credits = { $credits } credits
stack-is-part = { $name } is a part
stack-is-prereq = { $name } is a prerequisite
stack-revocation-legend = When a part is revoked
stack-revocation-keep = Keep the stack: it was earned
stack-revocation-suspend = Suspend it if it no longer holds
stack-revocation-reevaluate = Re-evaluate: revoke it if it no longer holds
stack-save = Save the stack
stack-create = Create the stack
stack-not-a-stack-yet = This achievement is not a stack yet; saving makes it one.
stack-nested-rule = The current rule combines groups ({ $rule }); this form shows it as one list, and saving replaces the rule with what the form says.
stack-error-no-parts = Choose at least one part for the stack.
stack-error-how-many = Say how many of the { $count } parts are needed, as a whole number.
stack-error-credits = Give the minimum credits as a number, like 6 or 1.5.
stack-error-rule = Choose the kind of rule.
stack-error-revocation = Choose what happens when a part is revoked.
stack-error-kind = Choose the kind of achievement.

# The picture of a stack: its legend, box titles and the description read by screen readers
stack-svg-held = Held
stack-svg-expiring = Expiring soon
stack-svg-suspended = Suspended
stack-svg-planned = Planned
stack-svg-missing = Missing
stack-svg-phrase-held = held
stack-svg-phrase-expiring = held, expiring soon
stack-svg-phrase-suspended = suspended
stack-svg-phrase-planned = planned
stack-svg-phrase-missing = not yet held
stack-svg-footer = +{ $hidden } more not shown: pictures show at most { $nodes } parts, { $levels } levels deep.
stack-svg-more-title-one = { $count } more part not shown
stack-svg-more-title-other = { $count } more parts not shown
stack-svg-more = +{ $count } more
# In a box's title, after the kind and state: "…; needs all of"
stack-svg-needs = needs { $rule }
stack-svg-credit-one = 1 credit
stack-svg-credits = { $credits } credits
stack-svg-no-parts = no parts.
stack-svg-held-of-one = { $held } of { $total } part held.
stack-svg-held-of-other = { $held } of { $total } parts held.
stack-svg-parts-one = { $total } part.
stack-svg-parts-other = { $total } parts.
stack-svg-needs-sentence = Needs { $rule }.
stack-svg-and-more = and { $count } more
stack-svg-leaves-out = The picture leaves out { $hidden } of the stack's achievements.

# Awards of an organization
award-list-title = Awards of { $org }
award-list-intro = Each award was decided by an achievement's rule the moment a learner met it, and its credential signed at once.
award-pending = { $count } waiting to be signed.
award-failed = { $count } could not be signed; see the reason beside each.
award-none = No awards yet.
award-col-achievement = Achievement
award-col-learner = Learner
award-col-state = State
award-col-decided = Decided
award-col-why = Why
award-state-issued = issued
award-state-revoked = issued, later revoked
award-state-pending = decided, being signed
award-state-failed = signing failed
award-former-user = a former user

# How a credential was earned
award-chain-title = How { $name } was earned
award-chain-heading = How “{ $name }” was earned
award-chain-see = See the credential and verify it
award-chain-why = Why it was awarded
award-chain-by-hand = This credential was issued by hand by its issuer, not by an achievement rule.
award-chain-steps = Every decision, in order
award-chain-caption = Each step is an entry in the tamper-evident audit log.
award-col-when = When
award-col-who = Who
award-col-what = What
award-system-actor = Cairn, applying the achievement's rule
award-action-attempt-start = Started an attempt
award-action-attempt-score = Attempt submitted and scored
award-action-evidence-submit = Evidence submitted
award-action-assign = Assessor assigned
award-action-review-submit = Assessor's review recorded
award-action-evidence-decide = Decision on the evidence
award-action-evidence-appeal = Rejection appealed
award-action-module-complete = Module completed
award-action-award-decide = Award decided: the achievement's rule was met
award-action-credential-issue = Credential signed
award-action-award-issue = Award completed with its credential
award-action-credential-revoke = Credential revoked
award-action-credential-suspend = Credential suspended
award-action-credential-reinstate = Credential reinstated
award-why-attempt = Attempt { $number }, on a form of { $items } items drawn from the bank
award-why-signed = Signed with the issuer's key; its status is bit { $index } of revocation list { $list }
award-why-award-issued = The award now has its signed credential

# The awards list: a link per issued credential to change its status
award-change-status = Change status
award-change-status-of = of { $name } for { $learner }
stack-form-heading = The stack and its rule
