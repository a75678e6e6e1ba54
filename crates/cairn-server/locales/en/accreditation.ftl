# Accreditation pages: the accreditor's queue and standards, a submission with its reviews and
# decision, the reviewer's queue, a decision, the provider's submissions; then the registry of
# recognized issuers and the "who issued it" findings on the verify and credential pages.
# Ids start with their area: accr-, registry-, trust-.

# Words several accreditation pages share
accr-col-module = Module
accr-col-provider = Provider
accr-col-accreditor = Accreditor
accr-col-standard = Standard
accr-col-submitted = Submitted
accr-col-state = State
accr-col-status = Status
accr-col-reviewed = Reviewed
accr-col-outcome = Outcome
accr-col-standing = Standing
accr-col-valid-until = Valid until
accr-col-conditions = Conditions
accr-decisions = Decisions
accr-decisions-empty = No decisions yet.
accr-version-paren = (version { $n })
accr-version = Version { $n }
accr-optional = (optional)
accr-choose = Choose…
accr-rationale = Rationale
accr-verify-endorsement = Verify the endorsement
accr-review-standards = Review standards
accr-your-reviews = Your accreditation reviews

# A submission's state, an outcome, a decision's standing
accr-state-submitted = waiting for reviewers
accr-state-in-review = in review
accr-state-decided = decided
accr-state-withdrawn = withdrawn
accr-state-unknown = unknown
accr-outcome-accredited = Accredited
accr-outcome-conditional = Accredited with conditions
accr-outcome-not-accredited = Not accredited
accr-standing-current = Current
accr-standing-conditions-overdue = Conditions overdue
accr-standing-lapsed = Lapsed
accr-standing-withdrawn = Withdrawn
accr-standing-not-accredited = Not accredited
# How a version came to be covered by a decision
accr-via-reviewed = reviewed
accr-via-minor-change = declared a minor change

# The accreditor's queue (accreditation_queue.html)
accr-queue-title = Accreditation at { $org }
accr-queue-open = Open submissions
accr-queue-open-hint = Oldest first. Assign reviewers who are not members of the provider; decide once the reviews are in.
accr-queue-open-empty = No submission is waiting.
accr-queue-col-reviewers = Reviewers assigned
accr-queue-col-conditions-due = Conditions due
accr-queue-col-decided = Decided
accr-queue-met = (met { $date })

# The accreditor's standards (accreditation_standards.html)
accr-standards-title = Review standards of { $org }
accr-standards-intro = Reviewers score submissions against a standard's criteria. A standard never changes once created: a changed standard is a new one, and the old one is archived, so every review keeps what it was judged against.
accr-standards-list = Standards
accr-standards-empty = This organization has no standard yet.
accr-standards-col-criteria = Criteria
accr-standards-col-created = Created
accr-standards-archived = archived
accr-standards-in-use = in use
accr-standards-adopt = Adopt the default standard
accr-standards-adopt-intro = Cairn ships “{ $name }”: accuracy and currency, objectives aligned to competencies, validity of the assessment, instructional design for micro-learning, accessibility, bias and inclusion, and privacy of learner data, each with levels and guidance for reviewers.

# One standard (accreditation_standard.html)
accr-standard-created = Created { $date }
accr-standard-archived = archived: no new submissions against it
accr-standard-criterion-key = ({ $key }; meets the standard from level { $level })
accr-standard-col-level = Level
accr-standard-col-label = Label
accr-standard-col-looks-like = What it looks like
accr-standard-archive-hint = Archiving keeps the standard for the reviews made against it and stops new submissions against it.
accr-standard-archive = Archive this standard

# The reviewer's queue (accreditation_reviews.html)
accr-reviews-intro = Module versions you are assigned to review against an accreditor's standard. You see the other reviewers' reviews once you have given yours.
accr-reviews-assigned = Assigned to you
accr-reviews-empty = Nothing is waiting for you.
accr-reviews-col-for = For
accr-reviews-done-of = { $done } of { $total }

# One submission (accreditation_submission.html)
accr-submission-title = Accreditation of { $module }
accr-submission-back-queue = Accreditation queue
accr-submission-back-provider = Your submissions
accr-submission-byline = { $provider } submitted version { $version } to { $accreditor } on { $date }
accr-submission-status = status:
accr-submission-what = What is submitted
# "Module:", the module's title as a link, then ", version 2": one line
accr-submission-module = Module:
accr-submission-module-version = , version { $n }
# "Standard:", the standard's name, then "(criteria)" as a link: one line
accr-submission-standard = Standard:
accr-submission-criteria-link = criteria
accr-submission-note = Note from the provider: { $note }
accr-submission-assessments = Assessments
accr-submission-no-assessments = The module had no published assessment when it was submitted.
accr-submission-withdraw = Withdraw this submission
accr-submission-decision = Decision: { $outcome }
# "Standing: Current · valid 2026-01-01 to 2029-12-31 · decided 2026-01-01", the standing in bold
accr-submission-standing = Standing:
accr-submission-valid = valid { $from } to { $until }
accr-submission-decided = decided { $date }
accr-submission-conditions = Conditions, due { $date }: { $conditions }
accr-submission-decision-link = The decision in full
accr-submission-reviewers = Reviewers
accr-submission-reviewers-hint = Members of { $accreditor } with the reviewer role. A member of the provider, in any role, cannot review its module.
accr-submission-no-candidates = { $accreditor } has no reviewers yet: give members the reviewer role first.
accr-submission-assign-legend = Assign a reviewer
accr-submission-candidate-assigned = (assigned)
# After a reviewer's name and a dash: why they may not review this module
accr-submission-candidate-conflict = cannot review: { $why }
accr-submission-assign = Assign
accr-submission-reviews = Reviews
accr-submission-assigned-on = (assigned { $date })
accr-submission-assigned-reviewed = (assigned { $assigned }, reviewed { $reviewed })
accr-submission-not-reviewed = Not reviewed yet.
# A button; the reviewer's name follows for screen readers
accr-submission-unassign = Unassign
accr-submission-recommends = Recommends:
accr-submission-score = { $criterion }: level { $level }
accr-summary-title-one = Summary of { $n } review
accr-summary-title-other = Summary of { $n } reviews
accr-summary-hint = The summary informs the decision; it never makes it.
accr-summary-col-criterion = Criterion
accr-summary-col-scores = Scores
accr-summary-col-mean = Mean
accr-summary-col-pass = Pass level
accr-summary-col-notes = Notes
accr-summary-below-pass = below the pass level
accr-summary-disagree = reviewers disagree
accr-summary-recommendations = Recommendations:
accr-summary-recommendation-count = { $outcome }: { $count }
# Followed by the outcome in bold, a full stop and the sentence explaining it
accr-summary-suggested = Suggested outcome:
accr-review-title = Your review against { $standard }
accr-review-hint = Choose a level for every criterion. You see the other reviewers' reviews once you have given yours; you review once.
accr-review-pass-level = (meets the standard from level { $level })
accr-review-criterion-comment = Comment on “{ $criterion }”
accr-review-overall-comment = Overall comment
accr-review-recommendation = Your recommendation
accr-review-submit = Submit the review
accr-decide-title = Decide
accr-decide-hint = A decision to accredit is signed by { $accreditor } as an Open Badges 3.0 endorsement of the module, public and verifiable; withdrawing it later revokes the endorsement.
accr-decide-rationale-hint = (what the reviews found and what the decision rests on)
accr-decide-conditions-hint = (only for “accredited with conditions”)
accr-decide-conditions-due = Conditions due
accr-decide-conditions-due-hint = (before the end of validity)
accr-decide-submit = Record the decision
accr-progress-title = Where it is
accr-progress-reviewers-one = { $n } reviewer assigned, { $done } reviewed.
accr-progress-reviewers-other = { $n } reviewers assigned, { $done } reviewed.
accr-progress-later = You will see the reviews and the decision here once { $accreditor } decides.

# Refusals of a form on the submission and decision pages
accr-error-date = '{ $value }' is not a date like 2028-12-31
accr-error-outcome = choose an outcome
accr-error-recommendation = choose the outcome you recommend
accr-error-level = '{ $value }' is not a level of { $criterion }
accr-error-reviewer = choose a reviewer from the list
accr-error-version = choose a later published version
accr-error-module = choose one of your modules
accr-error-choice = choose an accreditor and its standard

# One decision (accreditation_decision.html)
accr-decision-title = { $outcome }: { $module }
accr-decision-back = The submission
# One sentence around the module's title, which is a link: "… about <module> of <provider>"
accr-decision-byline-start = { $accreditor } decided on { $date } about
accr-decision-byline-end = of { $provider }
accr-decision-standing = Standing: { $standing }
accr-decision-valid = Valid from { $from } until { $until }
accr-decision-withdrawn = Withdrawn on { $date }: { $reason }
accr-decision-json = the signed credential (JSON)
accr-decision-versions = Versions covered
accr-decision-version = Version { $n }: { $via } on { $date }
accr-decision-version-reason = “{ $reason }”
accr-decision-versions-hint = A later version is covered only when the provider declares it a minor change; otherwise it needs a new submission.
accr-decision-minor = Declare a minor change
accr-decision-minor-version = Later published version
accr-decision-minor-why = Why it does not need a new review
accr-decision-minor-why-hint = ({ $accreditor } sees this)
accr-decision-due = Due { $date }
accr-decision-met = confirmed met on { $date }
accr-decision-response = The provider's response
accr-decision-response-label = How you meet the conditions
accr-decision-response-submit = Send the response
accr-decision-confirm-met = Confirm the conditions met
accr-decision-withdraw-title = Withdraw the accreditation
accr-decision-withdraw-hint = The endorsement is revoked at once: the catalog, the module page and every verifier stop counting it.
accr-decision-reason = Reason
accr-decision-reason-hint = (the provider sees it)
accr-decision-withdraw = Withdraw

# The provider's submissions (accreditation_submissions.html)
accr-provider-title = Accreditation submissions of { $org }
accr-provider-intro = Submit a published module, with its assessments, to an accreditor. Its reviewers score it against the accreditor's standard; a decision to accredit is signed as a public, verifiable endorsement and shown in the catalog.
accr-provider-submit-title = Submit a module
# One sentence then a link: "Academy has no modules yet. Write one."
accr-provider-no-modules = { $org } has no modules yet.
accr-provider-write-one = Write one
accr-provider-no-standards = No accreditor has published a standard yet.
accr-provider-module-hint = (its current published version is submitted)
accr-provider-choice = Accreditor and standard
accr-provider-note = Note to the accreditor
accr-provider-submit = Submit for accreditation
accr-provider-list = Submissions
accr-provider-list-empty = Nothing submitted yet.
accr-provider-due = (due { $due })
accr-provider-due-met = (due { $due }; met { $met })
accr-provider-due-answered = (due { $due }; answered { $answered })
# A module in the submit form's list
accr-provider-module-published = { $title } (version { $n })
accr-provider-module-draft-after = { $title } (its current published version; version { $n } is a draft)
accr-provider-module-draft = { $title } (draft: publish it first)

# The registry (registry.html)
registry-title = Registry of recognized accreditors and issuers
registry-heading = Recognized accreditors and issuers
# One paragraph; the three scope names between the pieces are in bold:
# "… three scopes: accreditation (endorsing …), achievements (issuing …) and transcripts (issuing …). Verification …"
registry-intro-start = This platform's operators keep this list of identifiers (DIDs) they recognize, each for some of three scopes:
registry-intro-accreditation = (endorsing others' modules and achievements),
registry-intro-achievements = (issuing badges and micro-credentials) and
registry-intro-transcripts = (issuing CLR transcripts).
registry-intro-end = Verification reports whether a credential's issuer and endorsers are on it, beside the checks and never instead of them: a credential is valid only when every check passes.
registry-scope-accreditation = accreditation
registry-scope-achievements = achievements
registry-scope-transcripts = transcripts
registry-download = Download the registry (JSON)
# Followed by the API address
registry-also-at = also at
registry-problems = Nothing was changed: { $n } problem(s) to fix
registry-count = { $n } recognized
registry-empty = The registry is empty: every issuer is reported as not recognized.
registry-col-name = Name
registry-col-did = DID
registry-col-scopes = Scopes
registry-col-note = Note
registry-col-updated = Updated
registry-remove = Remove
registry-add-title = Add or update an entry
registry-did-hint = (did:key:z… or did:web:…; an existing DID is updated)
registry-name = Name
registry-scopes-legend = Recognized for
registry-note = Note
registry-optional = (optional)
registry-save = Save entry
registry-recognize-title = Recognize an organization of this platform
registry-recognize-hint = Adds it under the identifier it signs with now; accreditors are recognized for accreditation, issuers for achievements. An organization that has never signed anything has no identifier yet.
registry-organization = Organization
registry-recognize = Recognize
registry-import-title = Import
# Around an example JSON document: "A JSON document like the download: {…}. It is checked whole first: …"
registry-import-hint-start = A JSON document like the download:
registry-import-hint-end = It is checked whole first: with any problem, nothing changes and every problem is listed.
registry-import-file = JSON file
registry-import-paste = Or paste it
registry-import-paste-hint = (used when no file is chosen)
registry-import-mode = Mode
registry-import-merge = merge: add new DIDs, update listed ones, keep the rest
registry-import-replace = replace: the file becomes the whole registry
registry-import-submit = Check and import
registry-form-not-understood = Form not understood
registry-upload-unreadable = The upload could not be read. Try again.
registry-form-unreadable = The form could not be read: { $error }.
registry-form-refused = Form refused
registry-form-refused-text = This form did not come from a Cairn page, or it has expired. Go back, reload the page and try again.
registry-json-where = line { $line }, column { $column }
registry-not-json = this is not JSON ({ $error }); a registry is one JSON document
registry-imported = Imported: { $added } added, { $updated } updated, { $removed } removed; { $total } entries now.

# Who issued a credential, beside the checks (trust_findings.html)
trust-party-issuer = Issuer
trust-party-endorser = Endorser
trust-status-recognized = recognized
trust-status-other-scope = recognized for another scope
trust-status-unknown = not recognized
trust-signature-verified = endorsement signature verified
trust-signature-not-verified = endorsement signature NOT verified
trust-finding = { $party }: { $status }.
trust-registry-name = Registry name: { $name }
trust-endorsement-link = the endorsement
trust-registry-link = Whom this platform recognizes
