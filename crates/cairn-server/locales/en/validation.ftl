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
