# Cairn's interface in English: the frame every page shares, sign-in, home, catalog,
# credentials, stacks and notifications. Ids are area-first; `{ $name }` is filled in.

# The frame of every page
site-name = Cairn
skip-to-content = Skip to content
footer-tagline = Cairn — stackable, verifiable credentials for the healthcare workforce.
language-switch-label = Language
language-unknown-heading = Language not available
language-unknown = Cairn is not available in “{ $tag }”. Choose one of the languages listed at the foot of every page.
