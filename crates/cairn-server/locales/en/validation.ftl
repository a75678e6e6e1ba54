# validation pages: assessments and item banks, evidence, rubrics and reviews.
# Ids start with the area: assess-, evidence-, review-, rubric-. `{ $name }` is filled in.

# Assessment introduction (assessment.html)
assess-back-to-module = The module
assess-draft-notice-unpublished = This assessment is not published: only its provider sees it.
assess-draft-notice-retired = This assessment is retired: only its provider sees it.
assess-rules-heading = How it works
assess-yours-heading = Your attempts
assess-yours-none = You have not attempted this assessment yet.
assess-col-attempt = Attempt
assess-col-started = Started
assess-col-outcome = Outcome
assess-attempt-link = Attempt { $number }
assess-outcome-passed = passed with { $percent }
assess-outcome-failed = not passed, { $percent }
assess-outcome-open = open
assess-outcome-closed = closed without submission
assess-continue-open = Continue your open attempt
assess-start-first = Start the assessment
assess-start-again = Start a new attempt
assess-manage-heading = For the provider
assess-manage-state = State: { $state }.
assess-manage-stats = { $started } attempt(s) started, { $submitted } submitted, { $passed } passed.
assess-publish-button = Publish the assessment
assess-retire-button = Retire the assessment (no new attempts; results stand)
assess-state-draft = draft
assess-state-published = published
assess-state-retired = retired

# Taking an attempt (attempt.html)
assess-attempt-title = { $title } — attempt { $number }
assess-attempt-heading = { $title }: attempt { $number }
# assess-deadline-before, the deadline in bold, then assess-deadline-after form one sentence.
assess-deadline-before = Submit your answers by
assess-deadline-after = . Answers sent after that are not accepted.
assess-no-time-limit = There is no time limit.
assess-points-one = 1 point
assess-points-other = { $points } points
assess-submit-answers = Submit my answers
assess-deadline-passed = The time limit for this attempt has ended, so answers can no longer be submitted. Go back to the assessment to see when you can try again.
assess-not-accepted-heading = Answers not accepted
# How to answer each type of question, and the labels of its fields
assess-hint-single = Choose one answer.
assess-hint-multiple = Choose every right answer; wrong choices cost credit.
assess-hint-true-false = Is the statement true or false?
assess-true = True
assess-false = False
assess-hint-numeric = Give a number.
assess-your-answer = Your answer
assess-your-answer-unit = Your answer (in { $unit })
assess-hint-ordering = Number the steps from 1 (first) to { $last } (last).
assess-hint-short-text = Type your answer.
assess-hint-icd11 = Type the ICD-11 code, or a cluster: extension codes follow their stem code after &, further stem codes follow after /.
assess-icd11-label = ICD-11 code or cluster

# Result of an attempt (attempt_result.html)
assess-result-title = { $title } — result of attempt { $number }
assess-result-heading = { $title }: result of attempt { $number }
assess-result-passed = Passed: { $percent }
assess-result-failed = Not passed: { $percent }
assess-result-cut = (the cut score is { $cut }%).
assess-result-submitted = Submitted { $when }.
assess-result-by-competency = By competency
assess-col-competency = Competency
assess-col-your-score = Your score
assess-col-minimum = Minimum
assess-col-met = Met
assess-met-yes = yes
assess-met-no = no
assess-result-by-question = Question by question
assess-result-credit = Credit: { $credit }

# Item bank (item_bank.html)
assess-bank-title = Item bank of { $org }
assess-bank-items = Items
assess-bank-none = No items yet.
assess-col-difficulty = Difficulty
assess-col-type = Type
assess-col-prompt = Prompt
assess-col-points = Points
assess-col-key = Answer key
assess-col-version = Version
assess-col-actions = Actions
assess-item-retired = retired
assess-item-retire = Retire
# Read by screen readers after “Retire”
assess-item-retire-which = item { $id }
assess-bank-add-heading = Add an item
assess-kind-single = Single choice
assess-kind-multiple = Multiple choice
assess-kind-true-false = True or false
assess-kind-numeric = Numeric
assess-kind-ordering = Ordering
assess-kind-short-text = Short text
assess-kind-icd11 = ICD-11 coding
# An item's type as the bank's table lists it
assess-type-single = single choice
assess-type-multiple = multiple choice
assess-type-true-false = true/false
assess-type-numeric = numeric
assess-type-ordering = ordering
assess-type-short-text = short text
assess-type-icd11 = ICD-11 coding
assess-difficulty-easy-option = Easy
assess-difficulty-medium-option = Medium
assess-difficulty-hard-option = Hard
# An item's difficulty as the bank's table lists it
assess-difficulty-easy = easy
assess-difficulty-medium = medium
assess-difficulty-hard = hard
assess-field-competency-hint = (code such as ICD.2, or id)
assess-field-options = Options
assess-field-options-hint = (choice and ordering items: one per line; for ordering, in the right order)
assess-field-correct = Correct answer
assess-field-correct-hint = (single choice: option number from 1; multiple choice: numbers separated by commas; true or false; numeric: the value)
assess-field-tolerance = Tolerance
assess-field-unit = Unit
assess-field-numeric-hint = (numeric)
assess-field-accepted = Accepted answers
assess-field-accepted-hint = (short text: one per line)
assess-field-matching = Matching
assess-field-short-text-hint = (short text)
assess-matching-normalized = Ignore case and extra spaces
assess-matching-exact = Exact
assess-matching-pattern = Regular expression
assess-field-vignette = Clinical vignette
assess-field-icd11-hint = (ICD-11 coding)
assess-field-expected = Expected code or cluster
assess-field-expected-hint = (ICD-11 coding, e.g. NC72.2&XK9K)
assess-field-explanation = Explanation
assess-field-explanation-hint = (shown after submission)
assess-bank-add-button = Add the item

# A provider's assessments (assessment_list.html)
assess-list-title = Assessments of { $org }
assess-list-bank-link = Item bank
assess-list-heading = Assessments
assess-list-none = No assessments yet.
assess-col-title = Title
assess-col-state = State
assess-col-questions = Questions
assess-col-cut = Cut score
assess-list-publish = Publish
assess-new-heading = New assessment
assess-field-description = Description
assess-field-module = Module assessed
assess-field-module-none = None
assess-field-blueprint = Blueprint
assess-field-blueprint-hint = (one cell per line: competency difficulty count, e.g. ICD.2 medium 3)
assess-field-time-limit = Time limit in minutes
assess-field-time-limit-hint = (empty: untimed)
assess-field-max-attempts = Attempts allowed
assess-field-max-attempts-hint = (empty: unlimited)
assess-field-cooldown = Minutes between attempts
assess-field-cut = Cut score %
assess-field-minimums = Competency minimums
assess-field-minimums-hint = (optional, one per line: competency percent, e.g. ICD.3 75)
assess-new-button = Create the draft
assess-not-published-heading = Not published

# Errors in the item and assessment forms; { $field } is the form field's name
assess-error-option-number = correct: '{ $value }' is not an option number from 1 to { $count }
assess-error-difficulty = difficulty: choose easy, medium or hard
assess-error-points = points: give a whole number from 1 to 100
assess-error-not-a-number = { $field }: '{ $value }' is not a number
assess-error-true-false = correct: write true or false
assess-error-type = type: choose an item type
assess-error-not-whole = { $field }: '{ $value }' is not a whole number
assess-error-blueprint-line = blueprint: line { $line } should read 'competency difficulty count', e.g. 'ICD.2 medium 3'
assess-error-blueprint-difficulty = blueprint: line { $line }: '{ $value }' is not easy, medium or hard
assess-error-blueprint-count = blueprint: line { $line }: '{ $value }' is not a whole number
assess-error-minimums-line = minimums: line { $line } should read 'competency percent', e.g. 'ICD.3 75'
assess-error-minimums-percent = minimums: line { $line }: '{ $value }' is not a percentage
assess-error-module = module: choose a module from the list
assess-error-cut-score = cut_score_percent: give the percentage needed to pass, 0 to 100

# A learner's evidence (evidence_list.html, evidence_new.html, evidence.html)
evidence-mine-title = Your evidence
evidence-mine-submitted = Submitted for review
evidence-mine-none = You have not submitted any evidence yet.
evidence-col-title = Title
evidence-col-rubric = Rubric
evidence-col-status = Status
evidence-col-decision = Decision
evidence-col-submitted = Submitted
evidence-submit-title = Submit evidence
evidence-no-rubrics = No organization has published a rubric yet.
evidence-choose-rubric = Choose the rubric your work will be judged on. Evidence towards an achievement is reviewed under that achievement's rules; practice evidence is marked once and earns nothing.
evidence-towards-link = towards { $achievement }
evidence-practice-link = practice
# Read by screen readers after a practice link, naming the rubric
evidence-practice-on = on { $rubric }
evidence-judged-on = Judged on: { $rubric }
evidence-towards = Towards { $achievement }.
# The achievement chosen and how its evidence is reviewed (one of the two evidence-how- texts)
evidence-towards-how = { $achievement }: { $how }
evidence-how-double = two assessors mark it independently, and an adjudicator decides if they disagree
evidence-how-single = one assessor marks it
evidence-practice-note = Practice: one assessor marks it; it earns no achievement.
evidence-criteria-intro = Assessors mark your evidence on these criteria:
evidence-field-narrative = What you did
evidence-field-narrative-hint = (how it shows the competency)
evidence-links = Links
evidence-field-links-hint = (https addresses, one per line, up to 10)
evidence-files = Files
evidence-field-files-hint = (up to { $max }: PDF, PNG, JPEG or plain text, 5 MiB each)
evidence-submit-button = Submit for review
evidence-error-files-too-large = The files are too large together; attach at most { $max } MiB in all.
evidence-error-form-unreadable = The form could not be read: { $reason }.
evidence-error-file-unreadable = The file '{ $file }' could not be read: { $reason }.
evidence-form-refused-heading = Form refused
evidence-form-refused = This form did not come from a Cairn page, or it has expired. Go back, reload the page and try again.
evidence-error-not-an-id = '{ $value }' is not an id
evidence-error-no-rubric = choose the rubric your evidence is for (open this form from the rubric's link)
evidence-by = By { $learner }
evidence-on-rubric = on the rubric { $rubric }
evidence-double-marked = double-marked
evidence-single-marked = single-marked
evidence-status = Status: { $status }
evidence-waiting = Waiting: { $what }.
evidence-appealed = Appealed: { $reason }
evidence-work-heading = The evidence
evidence-file-facts = ({ $type }, { $size } bytes, SHA-256 { $sha256 })
evidence-reviews-heading = Reviews
evidence-review-line = { $stage } by { $assessor }: { $state }
evidence-review-submitted = submitted { $when }
evidence-review-assigned = assigned { $when }
evidence-review-score-passed = { $total } of { $max } points, passed
evidence-review-score-failed = { $total } of { $max } points, not passed
evidence-appeal-heading = Appeal this decision
evidence-appeal-intro = You may appeal a rejection once. An assessor who has not reviewed your evidence reviews it again, and that review is final.
evidence-appeal-reason = Why should it be reviewed again?
evidence-appeal-button = Appeal
evidence-appeal-refused = Appeal: { $why }.

# Assessors' queue and review (review_queue.html, review.html)
review-stage-first = first marking
review-stage-second = second marking
review-stage-adjudication = adjudication
review-stage-appeal = appeal review
review-queue-title = Review queue
review-assigned-heading = Assigned to you
review-assigned-none = Nothing is waiting for you.
review-col-evidence = Evidence
review-col-learner = Learner
review-col-your-part = Your part
review-col-assigned = Assigned
review-unassigned-heading = Waiting for a reviewer
review-unassigned-intro = Evidence nobody could be assigned to when it arrived, which you are eligible to review.
review-unassigned-none = None.
review-col-needed = Needed
review-claim = Claim
review-title = Review: { $evidence }
review-your-part = your part: { $stage }
review-status = status: { $status }
review-file-facts = ({ $type }, { $size } bytes)
review-learner-appealed = The learner appealed: { $reason }
review-done-heading = Your review is submitted
review-you-gave = You gave { $score }.
review-decision = Decision: { $decision }
review-evidence-now = The evidence is now { $status }.
review-score = { $total } of { $max } points
review-pass-mark = (pass mark { $pass } of { $max } points)
review-table-caption = Criteria and their levels; choose one level per criterion
review-col-criterion = Criterion
review-col-levels = Levels, lowest first
review-level-points-one = (1 point)
review-level-points-other = ({ $points } points)
review-min-level = at least "{ $level }" is required
review-comment-on = Comment on “{ $criterion }”
review-optional = (optional)
review-submit-button = Submit the review
# One criterion not yet marked, listed in review-error-levels-missing
review-missing-criterion = { $number } "{ $criterion }"
review-error-levels-missing = Choose a level for every criterion; not yet chosen: { $missing }.

# Assessor agreement (review_stats.html)
review-stats-title = Assessor agreement · { $org }
review-stats-heading = Assessor agreement at { $org }
# The three review-stats- texts below form one paragraph.
review-stats-from = From { $count } pieces of double-marked evidence.
review-stats-kappa = Kappa is Cohen's kappa on pass/fail (1 is perfect agreement, 0 no better than chance; “—” when there is not enough variation to tell).
review-stats-difference = The difference is the mean gap between the two markers' totals, in points per 100 of the rubric's maximum.
review-stats-by-assessor = By assessor
review-col-assessor = Assessor
review-col-double-marked = Double-marked
review-col-kappa = Kappa
review-col-same-verdict = Same verdict
review-col-mean-difference = Mean difference
review-stats-points-in-100 = { $points } points in 100
review-stats-all-assessors = All assessors

# A provider's rubrics (rubric_list.html)
rubric-list-title = Rubrics of { $org }
rubric-stats-link = Assessor agreement statistics
rubric-list-heading = Rubrics
rubric-list-none = No rubrics yet.
rubric-col-criteria = Criteria
rubric-col-pass-mark = Pass mark
rubric-pass-of-max = { $pass } of { $max }
rubric-submit-towards = Submit evidence towards { $achievement }
rubric-submit-practice = Submit practice evidence
rubric-new-heading = Write a rubric
rubric-field-pass-mark-hint = (points)
# rubric-form-intro, the level format (rubric-level-format) and rubric-form-intro-end form one paragraph.
rubric-form-intro = One block per criterion; leave a block's title empty to skip it. Write each level on its own line, lowest first, as
rubric-level-format = title | descriptor | points
rubric-form-intro-end = .
rubric-criterion-legend = Criterion { $number }
rubric-field-levels = Levels
rubric-field-min = Lowest level that passes whatever the total
rubric-field-min-hint = (level number, optional)
rubric-new-button = Create the rubric
rubric-error-level-format = Criterion { $number } "{ $criterion }", level line { $line }: write it as "{ $format }".
rubric-error-level-points = Criterion { $number } "{ $criterion }", level line { $line }: '{ $value }' is not a whole number of points.
rubric-error-min-level = Criterion { $number } "{ $criterion }": the minimum level is a level number from 1, or empty.
rubric-error-pass-mark = The pass mark '{ $value }' is not a whole number of points.
