# Cairn's interface in English: the frame every page shares, sign-in, home, catalog,
# credentials, stacks and notifications. Ids are area-first; `{ $name }` is filled in.

# The frame of every page
site-name = Cairn
skip-to-content = Skip to content
footer-tagline = Cairn — stackable, verifiable credentials for the healthcare workforce.
language-switch-label = Language
language-unknown-heading = Language not available
language-unknown = Cairn is not available in “{ $tag }”. Choose one of the languages listed at the foot of every page.

# Names of things the domain defines; shared by every area's pages
role-admin = admin
role-manager = manager
role-author = author
role-assessor = assessor
role-reviewer = reviewer
role-learner = learner
org-kind-employer = employer
org-kind-provider = provider
org-kind-accreditor = accreditor
org-kind-issuer = issuer
credential-state-valid = valid
credential-state-suspended = suspended
credential-state-revoked = revoked

# Messages any page can show
form-too-large-heading = Form too large
form-too-large = This form is larger than Cairn accepts.
form-unreadable-heading = Form not understood
form-unreadable = The form could not be read: { $reason }.
form-refused-heading = Form refused
form-refused = This form did not come from a Cairn page, or it has expired. Go back, reload the page and try again.
page-not-found-heading = Page not found
page-not-found = There is no page at this address. Check the link, or start again from the home page.
not-found-heading = Not found
not-found = { $what } was not found.
not-allowed-heading = Not allowed
not-allowed = You cannot see this page: { $reason }.
error-ours-heading = Something went wrong
error-ours = Something went wrong on our side. Please try again.
message-home-link = Go to the home page

# Header navigation of a signed-in person
nav-account-label = Account
nav-catalog = Catalog
nav-verify = Verify
nav-notifications = Notifications
nav-sign-out = Sign out

# Sign-in and sign-out
signin-title = Sign in
signin-nav-label = Public
signin-nav-verify = Verify a credential
signin-email = E-mail address
signin-password = Password
signin-form-expired = This form has expired or came from another site. Please sign in again.
signin-too-many = Too many sign-in attempts from your network. Wait { $seconds } seconds and try again.
signout-refused-heading = Sign-out refused
signout-refused = This sign-out request did not come from a Cairn page. Use the Sign out button.

# Home
home-title = Home
home-welcome = Welcome, { $name }
home-wallet-heading = Your credentials
home-wallet-how-earned = How it was earned
home-wallet-stacks = Your stacks: what is complete, what is missing, the path to each
home-wallet-clr = Download your Comprehensive Learner Record (CLR 2.0)
home-no-role = You have no role in any organization yet. Ask an administrator of your organization to add you.
# Read by screen readers after a panel's heading: "Your learning at St Mary's"
home-panel-at = at { $org }
home-platform-heading = Platform
home-platform-intro = You operate this Cairn installation. Organizations on it:
home-fact-team = Your team: { $teams }
home-fact-team-size = { $team } — { $people } people
home-fact-issued = { $count } credentials issued
home-fact-members = { $count } members
home-fact-tokens = { $count } API tokens
home-link-find-modules-in-the = Find modules in the catalog
home-link-your-evidence-and-its = Your evidence and its reviews
home-link-your-stacks-and-pathways = Your stacks and pathways
home-link-what-you-share-with = What you share with employers
home-link-your-assignments = Your assignments
home-link-workforce-teams-roles-and = Workforce: teams, roles and gaps
home-link-assignments-and-team-progress = Assignments and team progress
home-link-your-modules = Your modules
home-link-item-bank = Item bank
home-link-assessments = Assessments
home-link-rubrics = Rubrics
home-link-assessor-agreement = Assessor agreement
home-link-accreditation-submissions = Accreditation submissions
home-link-your-review-queue = Your review queue
home-link-awards-and-their-signing = Awards and their signing
home-link-stacked-credentials-and-their = Stacked credentials and their editor
home-link-modules = Modules
home-link-accreditation-queue-and-decisions = Accreditation queue and decisions
home-link-review-standards = Review standards
home-link-your-accreditation-reviews = Your accreditation reviews
home-role-heading-learner = Your learning
home-role-summary-learner = Find modules for your goal, earn credentials you own, and see how far you are from the roles you want.
home-role-heading-manager = Your workforce
home-role-summary-manager = See your teams, the gaps between your people and the roles you need, and who is ready to move.
home-role-heading-admin = Administration
home-role-summary-admin = Manage members, roles, API tokens and the audit log of this organization.
home-role-heading-author = Authoring
home-role-summary-author = Write micro-learning modules and item banks, version them, and submit them for accreditation.
home-role-heading-assessor = Assessment
home-role-summary-assessor = Review learners' evidence against rubrics and record explained decisions.
home-role-heading-reviewer = Accreditation review
home-role-summary-reviewer = Review module versions against published standards and recommend decisions.
home-link-org = Open the organization

# An organization's page
org-your-roles = your roles: { $roles }
org-teams-heading = Teams
org-teams-caption = Teams and their sizes
org-team = Team
org-people = People
org-members-heading = Members
org-members-caption = Members, their roles and jobs
org-name = Name
org-role = Role
org-job = Job
org-email = E-mail
org-member-pages = Member pages
pager-previous = Previous
pager-next = Next
org-tokens-heading = API tokens
# One sentence around the API address, which is shown as code
org-tokens-none-before = No API tokens. Create one with
org-tokens-none-after = .
org-status = Status
token-active = active
token-revoked = revoked
token-expired = expired
org-activity-heading = Recent activity

# A credential's public page and its printable certificate
credential-not-found-heading = Credential not found
credential-not-found-link = This address names no credential. Check the link you followed.
credential-not-found = No credential has this address. It may have been mistyped.
credential-kind-micro = Micro-credential
credential-kind-nano = Nano-degree
credential-kind-certificate = Certificate
credential-kind-badge = Badge
credential-kind-credential = Credential
credential-kind-endorsement = Endorsement
credential-recipient-hashed = A learner identified by a private, hashed e-mail address
credential-status-active = active
credential-status-suspended = suspended by the issuer
credential-status-revoked = revoked by the issuer
credential-issued-by = issued by { $issuer }
verdict-verified = Verified.
verdict-not-valid = Not valid.
credential-verified-detail = This credential is authentic, unaltered and currently valid.
credential-issued-to = Issued to
credential-issued-on = Issued on
credential-valid-until = Valid until
credential-status = Status
credential-issuer-id = Issuer identifier
credential-criteria = Criteria
credential-checks = Checks
# Read by screen readers before each check's name
passed = passed
failed = failed
skipped = skipped
credential-who-issued = Who issued it
credential-qr-label = QR code of this credential's verify link
credential-qr-caption = Scan to verify this credential, or share its verify link:
credential-download-json = Download the credential (JSON)
credential-download-jwt = Download as vc+jwt
credential-download-badge = Download the badge image with the credential baked in (SVG)
credential-certificate-link = Printable certificate with QR code
credential-linkedin = Add to your LinkedIn profile
credential-linkedin-note = (opens LinkedIn)
credential-verify-another = Verify another credential
certificate-title = Certificate: { $name }
certificate-back = Back to the credential
certificate-print-hint = Print this page with your browser's Print command (Ctrl+P or ⌘P); the header, footer and this line are left out of the printout.
certificate-awarded-to = awarded to
# One sentence: "by <issuer> on <date>, valid until <date>"
certificate-by = by
certificate-on = on
certificate-valid-until = , valid until
certificate-verified = Verified when this page was made: authentic, unaltered and { $state }.
certificate-not-valid = Not valid when this page was made ({ $state }).
certificate-qr-caption = Scan or visit to check it now:

# Verifying a credential
verify-title = Verify a credential
verify-intro = Paste an Open Badges 3.0 credential (JSON or vc+jwt), or upload a baked badge image (PNG or SVG) or a JSON file. Nothing you submit is stored.
verify-credential-text = Credential text
verify-file = …or a file
verify-button = Verify
verify-result = Result
verify-verified-detail = Authentic, unaltered and currently valid.
verify-not-valid-detail = See the failed checks below.
verify-too-many = Too many verifications from your network. Wait { $seconds } seconds and try again.
verify-upload-unreadable = The upload could not be read: { $reason }
verify-form-unreadable = The form could not be read: { $reason }
verify-nothing = Paste a credential or choose a file to verify.

# Notifications
notifications-none = Nothing yet. Cairn tells you here when a credential is awarded, is about to expire, or changes.
notifications-all-read = All read.
notifications-unread = { $count } unread.
notifications-mark-all = Mark all read
notifications-unread-badge = Unread
notifications-open = Open
notifications-mark-read = Mark read
certificate-named-for-holder = Your name is printed because you are signed in as the holder; the credential itself identifies you only by a private, hashed e-mail address, and a verifier sees that.
home-link-achievements = Achievements: badges and what earns them
home-link-signing-keys = Signing keys and the issuer identity

# The operator's platform panel and an organization seen by the operator
home-link-registry = The registry of recognized accreditors and issuers
home-new-org-heading = Start an organization
home-new-org-intro = An employer, training provider, accreditor or issuer joins Cairn here, with the person who will run it.
home-new-org-name = Name
home-new-org-slug = Short name for addresses (optional)
home-new-org-slug-hint = Lower-case letters, digits and hyphens, as in /orgs/riverside-health. Made from the name when left empty.
home-new-org-slug-taken = Another organization already has this short name. Choose another.
home-new-org-kinds = What it does on Cairn
home-new-org-kind-employer = Employer: teams, roles, gaps and assignments
home-new-org-kind-provider = Training provider: modules and assessments
home-new-org-kind-accreditor = Accreditor: reviews and endorses modules
home-new-org-kind-issuer = Issuer: signs credentials
home-new-org-admin = Its first administrator
home-new-org-admin-hint = An existing account's e-mail address, or a new account's e-mail, name and first password to hand over.
home-new-org-admin-email = Administrator's e-mail address
home-new-org-admin-name = Administrator's name (new account)
home-new-org-admin-password = First password (new account)
home-new-org-admin-password-hint = At least 10 characters. Give it to the person, who can change it.
home-new-org-submit = Create the organization
org-operator-view = You operate this Cairn installation. You see what this organization is; its people and records are for its members and administrators.
