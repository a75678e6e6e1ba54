# Long operations (imports, bulk awards, ICD-11 imports) and the assignments pages.

# A job's page and a person's list of jobs
job-kind-workers = Import of workers
job-kind-assignments = Import of assignments
job-kind-bulk-award = Award in bulk
job-kind-icd11 = ICD-11 import
# A job's heading: what kind, then what it works on (a file name, an achievement's name)
job-title = { $kind }: { $label }
# What a job works on when its rows were pasted into the form rather than uploaded
job-pasted = pasted rows
job-state-queued = waiting to start
job-state-running = running
job-state-succeeded = finished
job-state-failed = failed
job-state-interrupted = interrupted
job-status-line = { $state }: { $done } of { $total } applied ({ $percent }%)
job-count = { $done } of { $total }
job-started-at = Started { $when }
job-ended-at = ended { $when }
job-progress-heading = Progress
job-bar-label = Rows applied
job-leave-hint = You can leave this page: the work goes on, and your long operations are listed under your name. This page updates itself; without JavaScript,
job-refresh = Refresh
job-result-heading = Result
job-so-far-heading = Applied so far
# One line of a result: what was counted, then how many
job-result-line = { $label }: { $value }
job-interrupted = The server stopped while this ran: { $done } of { $total } were applied and are kept; the other { $rest } were not. Start it again with the rows that were not applied.
job-failed = This stopped with an error after { $done } of { $total } were applied (they are kept): { $reason }
job-mine-heading = Your long operations
job-mine-intro = Imports and bulk awards you started, newest first. They go on when you leave their page; come back here to see how far they got.
job-mine-empty = You have not started any long operation.
job-col-what = What
job-col-started = Started
job-col-state = State
job-col-progress = Applied

# Imports of workers and of assignments
import-workers-heading = Import workers
import-assignments-heading = Import assignments
# The next five pieces form one paragraph, with column names (kind, target, due_on, note) between them
import-assignments-intro = Each row assigns one piece of learning to one member of { $org }.
import-assignments-intro-kind = is module, assessment or achievement;
import-assignments-intro-target = is its id or exact title;
import-assignments-intro-due = is a day like 2026-12-31, today or later;
import-assignments-intro-note = is optional. A worker who already has the same assignment open is skipped.
# The next two pieces form one paragraph, with the column name job_title between them
import-workers-intro = Each row makes a person a member (learner) of { $org } — with a new account when the e-mail address is new — adds them to the team and tells them. The team must exist;
import-workers-intro-job = is optional.
# The next two pieces form one sentence, with the header line between them
import-header-before = The first row must name the columns:
import-header-after = . For example:
import-checked-first = The whole file is checked first: if any row has a problem, nothing is imported and every problem is listed. At most { $max } rows, 1 MiB, saved as CSV UTF-8.
# Followed by a link to the person's long operations
import-background = A good file is then imported in the background: you can follow it, leave and come back, from
import-problems-heading = Nothing was imported: { $count } problem(s) to fix
import-problems-fix = Fix every row listed below and upload the file again.
import-col-row = Row
import-col-column = Column
import-col-problem = Problem
import-upload-heading = Upload
import-file = CSV file
import-paste = Or paste the rows
import-paste-hint = (used when no file is chosen)
import-submit = Check and import
import-too-large = The file is too large; upload at most { $limit } at a time.
# The largest upload of a CSV file, filled into import-too-large
import-limit = 1 MiB
import-rows-read = rows read
import-new-accounts = new accounts
import-members-added = members added
import-already-members = already members
import-teams-joined = team memberships added
import-assignments-made = assignments made
import-skipped = skipped (the worker already had it open)

# Bulk award
bulk-heading = Award in bulk
bulk-intro = Issue one credential of an achievement of { $org } to each person on a list of e-mail addresses. People who already hold a valid credential for it are skipped; addresses without a Cairn account are listed, and nothing is issued to them.
bulk-format = Give one address a line, or a CSV file whose first row names an email column. Every address is checked first: if one is not an e-mail address, nothing is issued. At most { $max } addresses, 1 MiB. The credentials are then issued in the background.
bulk-problems-heading = Nothing was issued: { $count } problem(s) to fix
bulk-problems-fix = Fix every address listed below and send the list again.
bulk-form-heading = Choose and send
bulk-no-achievements = This organization has no achievements yet: define one before awarding it.
bulk-achievement = Achievement
bulk-choose = Choose an achievement
bulk-file = File of e-mail addresses (CSV)
bulk-paste = Or paste the addresses, one a line
bulk-paste-hint = (used when no file is chosen)
bulk-submit = Check and award
bulk-choose-achievement = choose the achievement to award
bulk-addresses-read = addresses read
bulk-issued = credentials issued
bulk-already-held = skipped (already held a valid one)
bulk-repeated = addresses given more than once
bulk-unknown-count = addresses without a Cairn account
bulk-unknown-heading = Addresses without a Cairn account
bulk-unknown-hint = Nothing was issued to these. Check the spelling, or ask these people to sign up, then award them again.
bulk-unknown-more = …and { $count } more.

# ICD-11 import (platform operators)
icd-heading = Import ICD-11
icd-home = Home
icd-loaded = Loaded now: release { $version } from { $source }, imported { $when }, { $count } categories.
icd-none-loaded = No ICD-11 release is loaded yet.
icd-intro = Upload WHO's ICD-11 MMS simple tabulation, as the zip WHO publishes or the text file inside it. The file is read and checked first; the release it holds then replaces the loaded one in the background, in one step: until it is done, the current release stays in use.
icd-upload-heading = Upload a release
icd-file = Tabulation file
icd-file-hint = (zip or txt, at most 32 MiB)
icd-submit = Check and import
icd-choose-file = Choose the tabulation file to upload.
# The largest upload of a tabulation, filled into import-too-large
icd-limit = 32 MiB
icd-release = release
icd-chapters = chapters
icd-blocks = blocks
icd-categories = categories
icd-extension-codes = extension codes

# Assignments: a manager's list and a worker's own list
assign-list-title = Assignments of { $org }
assign-list-intro = Learning you ask your workers to do by a date. Whether it is done is read from their learning records: a completed module, a passed assessment, a valid credential.
assign-notice-skipped = Assigned to { $count } worker(s); { $skipped } already had it open and were left as they were.
assign-notice = Assigned to { $count } worker(s); each was notified.
assign-download-csv = Download these assignments as CSV
assign-import-assignments = Import assignments from CSV
assign-import-workers = Import workers from CSV
assign-progress-heading = Progress by team
assign-no-teams = This organization has no teams yet.
# Text of a team's progress bar, read by screen readers
assign-team-done = { $team } done
assign-col-team = Team
assign-col-progress = Progress
assign-col-assigned = Assigned
assign-col-done = Done
assign-col-overdue = Overdue
assign-list-heading = Assignments
assign-all-teams = All teams
assign-col-state = State
assign-any-state = Any state
assign-show = Show
assign-none-match = No assignments match.
assign-col-worker = Worker
assign-col-todo = To do
assign-col-due = Due
assign-col-note = Note
assign-col-actions = Actions
assign-col-from = From
assign-state-open = open
assign-state-overdue = overdue
assign-state-done = done
assign-kind-module = module
assign-kind-assessment = assessment
assign-kind-achievement = achievement
assign-cancel-label = Cancel { $title } for { $worker }
assign-cancel = Cancel
assign-form-heading = Assign learning
assign-kind = What kind
assign-target = Title or id
assign-target-hint = (a published module or assessment, or an achievement; exact title)
assign-due-on = Due on
assign-to-team = To a whole team
assign-optional = (optional)
assign-no-team = No team
assign-to-workers = And/or to these workers
assign-to-workers-hint = (hold Ctrl or ⌘ to choose several)
assign-note = Note to the workers
assign-submit = Assign
assign-error-kind = choose module, assessment or achievement
assign-error-due = give the due date as year-month-day, like 2026-12-31
assign-error-team = choose a team
assign-mine-title = Your assignments
assign-mine-intro = Learning your organizations asked you to do, by due date. Each is marked done as soon as your learning records show it: the module completed, the assessment passed, the credential held.
assign-mine-empty = Nothing is assigned to you.
