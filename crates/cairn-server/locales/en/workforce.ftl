# workforce pages: the team dashboard and heat map, role profiles and their editor,
# candidates, a worker's profile and gap, expiring credentials, and the worker's own
# sharing page. Ids start with wf- (manager pages and pictures) or sharing-.
# `{ $name }` is filled in.

# Shared by several workforce pages
wf-dash-title = Workforce of { $org }
wf-roles-title = Role profiles of { $org }
wf-no-roles = No role profiles yet.
wf-role-label = Role
# Screen-reader tail of a link ("CSV for Coding Team", "Ranked candidates for …").
wf-sr-for = for { $name }
wf-download = Download:
wf-col-role = Role
wf-col-team = Team
wf-col-worker = Worker
wf-col-version = Version
wf-col-name = Name
wf-col-requirement = Requirement
wf-col-requirements = Requirements
wf-col-competency = Competency
wf-col-credential = Credential
wf-col-issuer = Issuer
wf-whole-org = Whole organization
# "3 of 8": how many of how many
wf-n-of-m = { $n } of { $total }
wf-percent = { $n }%

# Durations and readiness
wf-duration-min = { $m } min
wf-duration-h = { $h } h
wf-duration-h-min = { $h } h { $m } min
wf-ready-now = ready now
wf-ready-about = about { $time }
wf-ready-unknown = not known: some gap has no pathway

# Team dashboard (workforce_dashboard.html)
wf-dash-intro = Your teams, the roles you need and how your people cover them. The figures count only what your workers let you see: credentials { $org } issued, and those they shared with you.
wf-dash-link-roles = Role profiles and templates
wf-dash-link-candidates = Who is nearly ready for this role
wf-dash-link-expiring = Credentials expiring in the next 30, 60 or 90 days
wf-dash-link-gap-csv = Every role: how many workers meet how much (CSV)
wf-dash-coverage-heading = Coverage of a role, team by team
# wf-no-roles, then this link, then a full stop form one sentence.
wf-dash-no-roles-link = Copy one of the seven templates, or write your own
wf-dash-show-role = Show the role
wf-dash-heat-intro = Each cell: the share of the team who meet the requirement, and how many of how many.
wf-dash-download-org = Download the whole organization's coverage of this role:
wf-dash-teams-heading = Teams
wf-dash-no-teams = No teams yet: the heat map counts the whole organization as one.
wf-dash-col-members = Members
wf-dash-col-coverage = Coverage of the role
wf-heat-title-by-team = { $role }, by team
wf-heat-title-whole = { $role }, whole organization

# The heat map and its table (workforce_heat.html)
wf-heat-region-label = Heat map (scrolls sideways on narrow screens)
wf-heat-table-summary = The same numbers as a table
wf-heat-table-caption = Workers who meet each requirement, by team
wf-cell-no-workers = no workers
wf-cell-count = { $met } of { $total } ({ $share })
wf-cell-count-partly = { $met } of { $total } ({ $share }), { $partly } partly
wf-req-label-code = { $code } { $name } (level { $level })
wf-req-label = { $name } (level { $level })
wf-req-code-level = { $code } (level { $level }) { $name }
wf-req-level = Level { $level }: { $name }

# Role profiles (workforce_roles.html)
wf-roles-intro = A role profile lists what a job needs: competencies at a minimum level, or achievements. Each change makes a new version; earlier versions stay on record.
wf-roles-current-heading = Your role profiles
wf-roles-none = None yet.
wf-roles-none-manage = None yet: copy a template below, or write one.
wf-roles-col-changed = Changed
wf-roles-col-candidates = Candidates
wf-roles-from-template = (from a template)
wf-roles-ranked-candidates = Ranked candidates
wf-roles-download-list = Download the list:
wf-roles-write-new = Write a new role profile
wf-roles-templates-heading = Start from a template
wf-roles-templates-intro = Seven example roles, their requirements taken from the Healthcare Workforce Versatility Framework (levels: 1 Foundational, 2 Working, 3 Proficient, 4 Expert). A copy is yours to change.
wf-roles-template-needs = Needs { $list }
wf-roles-template-requirement = { $code } (level { $level })
wf-roles-copy = Copy “{ $name }”
wf-not-found = { $what } was not found

# One role profile (workforce_role.html)
wf-role-version = Version { $version }
wf-role-from-template = first copied from a template
wf-role-link-candidates = Who is nearly ready: ranked candidates
wf-role-link-coverage = Coverage team by team
wf-role-link-edit = Change the role (makes version { $next })
wf-role-needs-heading = What the role needs
wf-role-coverage-heading = Coverage across { $org }
wf-role-workers-counted = { $count } workers counted, from what each lets { $org } see.
wf-role-versions-heading = Versions
wf-role-col-made = Made
wf-role-archive-hint = Archiving takes the role out of the lists; its versions stay on record.
wf-role-archive = Archive “{ $name }”

# The role editor (workforce_role_edit.html)
wf-edit-title-change = Change { $name }
wf-edit-heading-change = Change the role { $name }
wf-edit-new = New role profile
wf-edit-back = Role profiles
wf-edit-saving-makes = Saving makes version { $next }; version { $version } and those before it stay on record.
wf-edit-name = Name
wf-edit-description = Description
wf-edit-requirements = Requirements
wf-edit-requirements-hint = One per row: a competency with the minimum level the role needs, or an achievement to hold (its level is ignored). Set a row to “None” to remove it.
wf-edit-requirement-n = Requirement { $n }
wf-edit-none = None
wf-edit-min-level = Minimum level
wf-edit-save = Save the role
wf-edit-more = Add three more rows
wf-edit-group-competencies = Competencies: { $framework }
wf-edit-group-achievements = Achievements
wf-edit-holds = Holds "{ $name }"
wf-form-bad-choice = Requirement { $n } is not one of the choices; pick it again.
wf-form-bad-level = Requirement { $n }: choose a level from 1 to { $max }.
wf-form-empty = Choose at least one competency or achievement the role needs.

# Candidates for a role (workforce_candidates.html)
wf-cand-title = Candidates for { $role }
wf-cand-intro = Ranked by the share of the role's requirements each worker meets, then by the learning still needed to close the rest.
wf-cand-ranked-one = 1 worker ranked.
wf-cand-ranked-other = { $count } workers ranked.
wf-cand-ranked-cut = { $count } workers ranked; the first { $shown } are listed here, and the download has them all.
wf-cand-unranked-one = 1 other holds nothing { $org } issued and has shared nothing with it, so is not ranked.
wf-cand-unranked-other = { $count } others hold nothing { $org } issued and have shared nothing with it, so they are not ranked.
wf-cand-download = Download every ranked worker:
wf-cand-none = No one to rank yet.
wf-cand-col-rank = Rank
wf-cand-col-met = Requirements met
wf-cand-col-ready = Time to ready
wf-cand-col-why = Why
wf-bar-worker-meets = Requirements { $name } meets

# A worker's profile and gap (workforce_worker.html)
wf-worker-notice = { $org } sees the credentials it issued to { $name } and those { $name } chose to share with it; nothing else.
wf-worker-against-heading = Against a role
# wf-no-roles, this link, then wf-worker-add-role-after form one sentence.
wf-worker-add-role = Add one
wf-worker-add-role-after = to compare.
wf-worker-choose-role = Choose a role
wf-worker-compare = Compare
wf-worker-role-version = (version { $version })
wf-worker-others-ranked = Others ranked for { $role }
# wf-worker-meets, the coverage in bold ("1 of 8"), then wf-worker-meets-after form one sentence.
wf-worker-meets = Meets
wf-worker-meets-after = requirements.
wf-worker-ready = Time to ready: { $ready }.
wf-bar-met = Requirements met
wf-radar-title = { $worker } against { $role }
wf-worker-levels-table = Levels as a table
wf-worker-col-holds = Holds
wf-worker-col-needs = Needs
wf-worker-download-gap = Download the gap:
wf-worker-by-requirement = Requirement by requirement
wf-worker-expiring-hint = Expiring soon: met, but every credential proving it ends within { $days } days.
wf-status-met = met
wf-status-partly = partly met (level { $have } of { $need })
wf-status-missing = missing
wf-status-expiring = expiring soon ({ $date })
wf-pathway = Pathway: earn “{ $achievement }”, about { $time } of learning.
wf-pathway-steps = The steps
# A step of a pathway, before the link to it.
wf-step-module = Module:
wf-step-assessment = Assessment:
wf-no-pathway = No pathway: { $why }
wf-worker-competencies-heading = Competencies
wf-worker-download-profile = Download the profile with its proofs:
wf-worker-none-seen = None that { $org } may see.
wf-worker-col-level = Level
wf-worker-col-proved-by = Proved by
wf-proof-level = (level { $level })
wf-proof-issued = issued by { $issuer } on { $date }
wf-proof-until = valid until { $date }
wf-proof-no-end = with no end date
wf-worker-credentials-heading = Credentials

# Expiring credentials (workforce_expiring.html)
wf-exp-title = Expiring within { $days } days
wf-exp-heading = Credentials expiring within { $days } days
wf-exp-window-label = Window
wf-exp-days = { $days } days
wf-exp-intro = Credentials of your workers that { $org } may see (it issued them, or the worker shared them), soonest first.
wf-exp-none = None end within { $days } days.
wf-exp-col-ends = Ends
wf-exp-col-days-left = Days left
wf-exp-bad-heading = Window not understood
wf-exp-bad = The window { $field }: { $why }.

# The pictures (heat map, radar, bars), their titles and descriptions
wf-shade-0 = 0–24% meet it
wf-shade-1 = 25–49%
wf-shade-2 = 50–74%
wf-shade-3 = 75–99%
wf-shade-4 = everyone
wf-shade-none = no workers
wf-svg-requirements-one = 1 requirement
wf-svg-requirements-other = { $count } requirements
wf-svg-teams-one = 1 team
wf-svg-teams-other = { $count } teams
wf-heat-summary = { $title }: { $rows } by { $teams }.
wf-heat-weakest = Weakest: { $row } in { $team }, met by { $met } of { $total } ({ $share }).
wf-heat-nobody = There is no one to count yet.
wf-heat-hidden = +{ $what } not shown: the table lists them all.
wf-heat-hidden-both = +{ $rows } and { $teams } not shown: the table lists them all.
wf-heat-cell-title = { $team } — { $row }: { $met } of { $total } meet it, { $partly } partly, { $missing } missing
wf-heat-no-one = no one
wf-radar-numbers = has { $held } · needs { $required }
wf-radar-axis = { $label }: has level { $held }, needs { $required } — { $verdict }
wf-radar-met = met
wf-radar-not-held = not held
wf-radar-below-one = 1 level below
wf-radar-below-other = { $count } levels below
wf-radar-summary = { $title }: meets { $met } of { $total } required competency levels.
wf-radar-short-of = Short of: { $list }.
wf-radar-short-item = { $label } (has { $held }, needs { $required })
wf-legend-required = Required by the role
wf-legend-held = Held by the worker
wf-bars-none = This role names no competencies to compare.
wf-progress = { $label }: { $done } of { $total }

# The worker's sharing page (sharing.html)
sharing-title = What you share with employers
sharing-back-home = Home
sharing-intro = Your credentials are yours. An organization you belong to sees two kinds of them: the ones it issued to you itself, and the ones you share with it on this page. It cannot see any other credential you hold, nor that it exists. You can withdraw a share at any time: it takes effect at once, and this page keeps a record of every share and withdrawal.
sharing-no-orgs = You do not belong to any organization yet, so no employer sees anything of yours.
# sharing-all-on (in bold) and sharing-all-since form one sentence.
sharing-all-on = You share everything you hold with { $org }
sharing-all-since = , since { $since }, including credentials you earn later.
sharing-stop-all = Stop sharing everything with { $org }
sharing-ticked-stay = Credentials you also ticked one by one below stay shared until you untick them.
sharing-sees = { $org } sees { $visible } of your { $total } credentials from other issuers.
sharing-sees-and-issued = { $org } sees { $visible } of your { $total } credentials from other issuers, as well as the { $issued } it issued to you.
sharing-share-all = Share everything with { $org }
sharing-issued-heading = Issued by { $org }
sharing-issued-none = { $org } has issued you no credentials.
sharing-issued-seen = { $org } sees these anyway, because it issued them:
sharing-others-heading = Your other credentials
sharing-others-none = You hold no credentials from other issuers.
sharing-one-by-one = Share one by one with { $org }
sharing-issued-by = issued by { $issuer }
sharing-seen-while-all = seen while you share everything
sharing-save = Save what { $org } may see
sharing-record-heading = Record of your consent
sharing-record-none = You have not shared anything yet.
sharing-col-org = Organization
sharing-col-what = What
sharing-col-shared = Shared
sharing-col-withdrawn = Withdrawn
sharing-still-shared = still shared
sharing-everything = Everything you hold
sharing-credential-id = Credential { $id }
sharing-saved = Saved: your employers see what this page now says.
sharing-bad-form-heading = Form not understood
sharing-bad-form = Use the page's buttons to share everything or to withdraw it.
